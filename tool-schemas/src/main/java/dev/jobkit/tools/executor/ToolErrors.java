package dev.jobkit.tools.executor;

import dev.jobkit.sdk.JobkitApiException;
import dev.jobkit.sdk.Problem;
import dev.jobkit.sdk.ResultsExpiredException;
import dev.jobkit.sdk.guard.PromptText;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.tools.registry.Outputs;
import dev.jobkit.tools.registry.Outputs.ToolError;
import dev.jobkit.tools.registry.Schemas;
import dev.jobkit.tools.registry.Tool;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * The failed answers of the tools: an {@code error} object (the {@link ToolError} every output
 * schema declares) with a stable code, a sentence and what to do instead.
 */
final class ToolErrors {

  /** What to do about results that retention removed. */
  static final String EXPIRED_FIX =
      "the job's results and logs were removed by retention and do not come back; the job itself"
          + " and its history (get_job, get_job_events) are still there";

  private ToolErrors() {}

  /** The answer to a call of a tool that does not exist: the tools {@code offered}. */
  static ToolResult unknownTool(String name, List<String> offered) {
    return new ToolResult(
        true,
        failure(
            new ToolError(
                "unknown_tool",
                "there is no tool named " + PromptText.quoted(name),
                "call one of the tools listed in error.tools",
                null,
                offered,
                null,
                null,
                null,
                null,
                null)));
  }

  private static ObjectNode failure(ToolError error) {
    return Schemas.JSON.valueToTree(new Outputs.Failure(error));
  }

  static ToolResult error(String code, String detail, String fix) {
    return new ToolResult(
        true, failure(new ToolError(code, detail, fix, null, null, null, null, null, null, null)));
  }

  static ToolResult invalid(
      Tool tool, String detail, List<ArgumentValidator.Violation> violations) {
    List<Outputs.FieldError> errors =
        violations == null
            ? null
            : violations.stream().map(v -> new Outputs.FieldError(v.field(), v.problem())).toList();
    String fix =
        "call "
            + tool.name()
            + " again with arguments that match its input schema"
            + (violations == null ? "" : ", correcting each entry of error.errors");
    return new ToolResult(
        true,
        failure(
            new ToolError(
                "invalid_arguments", detail, fix, errors, null, null, null, null, null, null)));
  }

  static ToolResult api(JobkitApiException e) {
    Problem problem = e.problem();
    String detail = problem != null && problem.detail() != null ? problem.detail() : e.getMessage();
    List<Outputs.FieldError> errors = null;
    String current = null;
    List<String> allowed = null;
    if (problem != null) {
      current = problem.currentStatus() == null ? null : problem.currentStatus().name();
      allowed =
          problem.allowedStatuses().isEmpty()
              ? null
              : problem.allowedStatuses().stream().map(JobStatus::name).toList();
      errors =
          problem.errors().isEmpty()
              ? null
              : problem.errors().stream()
                  .map(f -> new Outputs.FieldError(f.field(), f.reason()))
                  .toList();
    }
    Instant expired =
        e instanceof ResultsExpiredException gone ? gone.expiredAt().orElse(null) : null;
    return new ToolResult(
        true,
        failure(
            new ToolError(
                e.code().orElse("http_" + e.status()),
                detail,
                expired == null ? null : EXPIRED_FIX,
                errors,
                null,
                e.status(),
                current,
                allowed,
                e.requestId().orElse(null),
                expired)));
  }
}
