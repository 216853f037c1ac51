package dev.jobkit.server.api;

import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.jobs.Flusher;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * {@code /api/v1/operations/{id}}: a background flush, as it is now or, with {@code wait}, once it
 * has ended or the wait is over (a long poll that holds no request thread while it waits).
 */
@RestController
@RequestMapping(OperationController.PATH)
class OperationController {

  static final String PATH = "/api/v1/operations";

  // ASCII digits only: Long.parseLong alone also reads "+5" and the digits of other scripts.
  private static final java.util.regex.Pattern WAIT =
      java.util.regex.Pattern.compile("([0-9]{1,9})(ms|s|m)?");

  private final Flusher flusher;

  OperationController(Flusher flusher) {
    this.flusher = flusher;
  }

  @GetMapping("/{id}")
  DeferredResult<FlushOperation> get(
      Caller caller, @PathVariable String id, @RequestParam(required = false) String wait) {
    Duration wanted = waitParameter(wait, flusher.maxWait());
    FlushOperation now = flusher.get(caller, id);
    // The service's own timeout is a margin past the wait: the wait below answers first.
    DeferredResult<FlushOperation> answer = new DeferredResult<>(wanted.plusSeconds(10).toMillis());
    CompletableFuture<FlushOperation> ending =
        now.done() || wanted.isZero() ? null : flusher.ending(id).orElse(null);
    if (ending == null) {
      answer.setResult(now);
      return answer;
    }
    ending
        .copy()
        .completeOnTimeout(null, wanted.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (ended, failure) -> {
              try {
                answer.setResult(flusher.get(caller, id));
              } catch (RuntimeException gone) {
                answer.setErrorResult(gone);
              }
            });
    return answer;
  }

  /**
   * How long to wait for the end: {@code 30}, {@code 30s}, {@code 500ms} or {@code 1m}; none when
   * absent; cut to {@code max}.
   */
  static Duration waitParameter(String value, Duration max) {
    if (value == null || value.isBlank()) {
      return Duration.ZERO;
    }
    java.util.regex.Matcher m = WAIT.matcher(value.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw ApiException.invalid(
          "wait",
          "must be a duration such as 30s, 500ms or 1m (or whole seconds), cut to "
              + max.toSeconds()
              + " s, not '"
              + value
              + "'");
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration wait =
        switch (unit) {
          case "ms" -> Duration.ofMillis(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofSeconds(amount);
        };
    return wait.compareTo(max) > 0 ? max : wait;
  }
}
