package dev.jobkit.shell.command;

import java.util.List;
import org.springframework.shell.core.command.CommandRegistry;

/**
 * The commands about the shell itself: {@code version} and {@code completion bash|zsh}. Neither
 * connects to a service, so neither starts the local one.
 */
final class ShellCommands {

  /** The group they are listed under in help, with {@code help}. */
  static final String GROUP = "Shell";

  private ShellCommands() {}

  /** Both, the completion script made from the commands of {@code registry}. */
  static List<JobkitCommand> all(Session session, CommandRegistry registry) {
    return List.of(version(session), completion(session, registry));
  }

  /**
   * The shell's version: the jar's {@code Implementation-Version} (the build writes it into the
   * manifest), or {@code dev} when run from classes (tests, an IDE).
   */
  static String shellVersion() {
    String version = ShellCommands.class.getPackage().getImplementationVersion();
    return version == null || version.isBlank() ? "dev" : version;
  }

  private static JobkitCommand version(Session session) {
    return JobkitCommand.named("version", session)
        .group(GROUP)
        .description("Show the shell's version and the Java it runs on (also: jobkit --version)")
        .action(
            in -> {
              in.out().println("jobkit " + shellVersion());
              in.out()
                  .println(
                      "Java "
                          + Runtime.version()
                          + " ("
                          + System.getProperty("java.vendor")
                          + ", "
                          + System.getProperty("java.home")
                          + ")");
              return Exits.OK;
            });
  }

  private static JobkitCommand completion(Session session, CommandRegistry registry) {
    return JobkitCommand.named("completion", session)
        .group(GROUP)
        .description("Print the tab completion script of the one-shot jobkit for bash or zsh")
        .arguments("bash|zsh", Completions.words("bash", "zsh"))
        .examples(
            """
            source <(jobkit completion bash)               # this bash only
            jobkit completion bash > ~/.local/share/bash-completion/completions/jobkit
            source <(jobkit completion zsh)                # zsh, after compinit
            """)
        .action(
            in -> {
              String shell = in.argument("a shell (bash or zsh)");
              CompletionScript script = new CompletionScript(registry, shellVersion());
              switch (shell) {
                case "bash" -> in.out().print(script.bash());
                case "zsh" -> in.out().print(script.zsh());
                default ->
                    throw new UsageException(
                        "no completion for '" + shell + "'; 'completion bash' or 'completion zsh'");
              }
              return Exits.OK;
            });
  }
}
