package dev.jobkit.tools.executor;

import dev.jobkit.sdk.guard.PromptText;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.tools.executor.ToolExecutor.BadArguments;
import dev.jobkit.tools.registry.Inputs;
import dev.jobkit.tools.registry.Schemas;
import java.util.List;

/**
 * A tool's job fields as an SDK {@link JobSpec}, and as a person reads them before saying yes: the
 * command exactly (a JSON array or string, so nothing in it can pass for something else), its name
 * quoted and cut, and what else changes how it runs.
 */
final class JobSpecs {

  /** The most characters of a script or command a prompt shows; the rest is counted. */
  static final int SHOWN = 2_000;

  private JobSpecs() {}

  /**
   * The spec.
   *
   * @throws BadArguments unless exactly one of command and shell is given
   */
  static JobSpec of(Inputs.JobFields in) {
    if ((in.command() == null) == (in.shell() == null)) {
      throw new BadArguments(
          "give exactly one of command (an argv such as [\"python\", \"train.py\"]) and shell (a"
              + " script such as \"make test\"), not "
              + (in.command() == null ? "neither" : "both"));
    }
    JobSpec.Builder spec = JobSpec.builder();
    if (in.command() != null) {
      spec.command(in.command());
    } else {
      spec.shell(in.shell());
    }
    if (in.displayName() != null) {
      spec.displayName(in.displayName());
    }
    if (in.description() != null) {
      spec.description(in.description());
    }
    if (in.priority() != null) {
      spec.priority(in.priority());
    }
    if (in.podCount() != null) {
      spec.podCount(in.podCount());
    }
    if (in.timeoutSeconds() != null) {
      spec.timeoutSeconds(in.timeoutSeconds());
    }
    if (in.maxAttempts() != null) {
      spec.maxAttempts(in.maxAttempts());
    }
    if (in.tags() != null) {
      in.tags().forEach(t -> spec.tag(t.key(), t.value()));
    }
    if (in.env() != null) {
      in.env().forEach(e -> spec.env(e.name(), e.value()));
    }
    if (in.parents() != null) {
      spec.parents(in.parents().toArray(String[]::new));
    }
    if (in.accessibility() != null) {
      spec.accessibility(in.accessibility());
    }
    if (in instanceof Inputs.PipelineJob job && job.ref() != null) {
      spec.ref(job.ref());
    }
    return spec.build();
  }

  /** One job, in words: its name, what it runs and what else matters. */
  static String describe(Inputs.JobFields in) {
    StringBuilder text = new StringBuilder();
    if (in.displayName() != null) {
      text.append("job ").append(PromptText.quoted(in.displayName())).append(", ");
    }
    if (in.command() != null) {
      text.append("command ").append(shown(Schemas.JSON.writeValueAsString(in.command())));
    } else {
      text.append("shell script ").append(shown(Quoted.of(in.shell(), Integer.MAX_VALUE)));
    }
    if (in.podCount() != null && in.podCount() > 1) {
      text.append(", on ").append(in.podCount()).append(" processes");
    }
    if (in.env() != null && !in.env().isEmpty()) {
      text.append(", environment ");
      text.append(
          String.join(
              " ", in.env().stream().map(e -> e.name() + "=" + Quoted.of(e.value(), 80)).toList()));
    }
    if (in.parents() != null && !in.parents().isEmpty()) {
      text.append(", after ").append(String.join(", ", in.parents()));
    }
    if (in.maxAttempts() != null && in.maxAttempts() > 1) {
      text.append(", up to ").append(in.maxAttempts()).append(" attempts");
    }
    return text.toString();
  }

  /** Several jobs, numbered. */
  static String describeAll(List<? extends Inputs.JobFields> jobs) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < jobs.size(); i++) {
      Inputs.JobFields job = jobs.get(i);
      text.append(i == 0 ? "" : "; ").append(i + 1).append(". ");
      if (job instanceof Inputs.PipelineJob p && p.ref() != null) {
        text.append("(ref ").append(p.ref()).append(") ");
      }
      text.append(describe(job));
    }
    return text.toString();
  }

  /** Escaped text (no raw line breaks left) cut to {@link #SHOWN}, saying how much is not shown. */
  private static String shown(String escaped) {
    if (escaped.length() <= SHOWN) {
      return escaped;
    }
    return escaped.substring(0, SHOWN)
        + "… ("
        + (escaped.length() - SHOWN)
        + " more characters not shown; say no unless you know what the rest does)";
  }
}
