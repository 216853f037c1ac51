package dev.jobkit.shell.command;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The shell's one place for "a job runs either a command or a shell script": {@code job submit}'s
 * trailing arguments are the command's argv, {@code --shell SCRIPT} the script, exactly one of them
 * is required; and a job shows what it runs as the argv or as {@code sh -c 'SCRIPT'}.
 */
final class CommandOrShell {

  /** The option that gives the script. */
  static final Opt SHELL_OPTION =
      Opt.value("shell", "SCRIPT", "run SCRIPT with /bin/sh -c").shortName('s');

  /** The trailing arguments that give the command, as help writes them. */
  static final String COMMAND_ARGUMENTS = "[--] [COMMAND [ARG...]]";

  private CommandOrShell() {}

  /**
   * Sets what {@code spec} runs from the invocation's {@code --shell} and arguments.
   *
   * @throws UsageException unless exactly one of them is given
   */
  static void apply(Invocation in, JobSpec.Builder spec) {
    List<String> argv = in.arguments();
    Optional<String> shell = in.string(SHELL_OPTION.name());
    if (shell.isPresent() && !argv.isEmpty()) {
      throw new UsageException("give either --shell SCRIPT or a command, not both");
    }
    if (shell.isEmpty() && argv.isEmpty()) {
      throw new UsageException(
          "job submit needs a command (job submit sleep 30) or --shell 'a script'");
    }
    shell.ifPresentOrElse(spec::shell, () -> spec.command(argv));
  }

  /** What {@code job} runs, as one would type it: {@code python train.py} or {@code sh -c '…'}. */
  static String shown(Job job) {
    return job.shell() != null
        ? "sh -c " + quote(job.shell())
        : job.command().stream().map(CommandOrShell::quote).collect(Collectors.joining(" "));
  }

  /** {@code s} as a POSIX shell reads it back as one word: bare when safe, else single-quoted. */
  static String quote(String s) {
    return s.matches("[A-Za-z0-9_./:=@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
