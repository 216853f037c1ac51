package dev.jobkit.sdk.webhooks;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a delivery stands. */
public enum DeliveryState {
  /** Not yet answered with a 2xx; tried again after a backoff. */
  PENDING,
  /** The receiver answered with a 2xx. */
  DELIVERED,
  /** Given up: no 2xx within {@code jobkit.webhooks.give-up-after} (a day by default). */
  FAILED;

  /**
   * The name the service writes for this state.
   *
   * @return the lower-case wire name ({@code "pending"})
   */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
