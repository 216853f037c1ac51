package dev.jobkit.sdk.apps;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The transfers of an app: inputs staged in before the run, outputs staged out after it.
 *
 * @param stageIn the inputs, in order; never null
 * @param stageOut the outputs, in order; never null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Transfers(List<StageIn> stageIn, List<StageOut> stageOut) {

  /**
   * A Transfers as sent or read; a missing list, map or part is read as empty, never null.
   *
   * @param stageIn the inputs, in order; never null
   * @param stageOut the outputs, in order; never null
   */
  public Transfers {
    stageIn = stageIn == null ? List.of() : stageIn;
    stageOut = stageOut == null ? List.of() : stageOut;
  }

  /**
   * No transfers.
   *
   * @return transfers with both lists empty
   */
  public static Transfers none() {
    return new Transfers(List.of(), List.of());
  }

  /**
   * Whether the app has no transfer at all.
   *
   * @return true when both lists are empty
   */
  @JsonIgnore
  public boolean isEmpty() {
    return stageIn.isEmpty() && stageOut.isEmpty();
  }
}
