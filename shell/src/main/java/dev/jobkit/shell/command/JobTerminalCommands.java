package dev.jobkit.shell.command;

import dev.jobkit.sdk.jobs.TerminalUrl;
import dev.jobkit.shell.local.Browser;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.jline.terminal.Terminal;

/**
 * {@code job terminal}: an interactive shell in a running pod, in its work dir and as its account.
 * It attaches this terminal to it ({@link TerminalAttach}), or opens the web terminal in the
 * browser ({@code --browser}), or prints the terminal's single-use address ({@code --url}). Each
 * asks the service for a new address, good for one session within 60 s.
 */
final class JobTerminalCommands {

  private JobTerminalCommands() {}

  static List<JobkitCommand> all(Session session) {
    return List.of(
        JobkitCommand.named("job terminal", session)
            .group(JobCommands.GROUP)
            .description(
                "Open a shell in a running pod: here (Ctrl-] leaves), or in the browser (--browser)")
            .option(Opt.value("pod", "N", "the pod to open it in (default 0)"))
            .option(Opt.flag("browser", "open the web terminal in the browser instead"))
            .option(
                Opt.flag(
                    "url",
                    "only print the web terminal's address (single use, valid for 60 s), for"
                        + " scripts"))
            .arguments("ID", Completions.jobIds())
            .examples(
                """
                  job terminal job_01j9...
                  job terminal job_01j9... --pod 1
                  job terminal job_01j9... --browser\
                """)
            .action(JobTerminalCommands::terminal));
  }

  private static int terminal(Invocation in) throws IOException, InterruptedException {
    String jobId = in.argument("a job id");
    int pod = in.integer("pod", 0, 10_000).orElse(0);
    if (in.flag("browser") && in.flag("url")) {
      throw new UsageException("give --browser or --url, not both");
    }
    Optional<Terminal> terminal =
        in.flag("browser") || in.flag("url") ? Optional.empty() : in.session().terminal();
    if (!in.flag("browser") && !in.flag("url") && terminal.isEmpty()) {
      throw new UsageException(
          "there is no terminal here to attach to the pod: add --browser to open the web terminal"
              + " in a browser, or --url to print its address");
    }
    TerminalUrl url = in.client().jobs().terminal(jobId, pod);
    PrintWriter out = in.out();
    if (in.flag("url")) {
      out.println(url.url());
      return Exits.OK;
    }
    if (in.flag("browser")) {
      out.println(url.url());
      Optional<String> browser = new Browser(System.getenv()).open(url.url());
      out.println(
          in.style()
              .dim(
                  browser
                          .map(b -> "opened in the browser (" + b + ")")
                          .orElse(
                              "no browser to open here ($BROWSER, or xdg-open on the PATH): open the"
                                  + " address above in one")
                      + "; it works once, within 60 s"));
      return Exits.OK;
    }
    out.println(
        in.style()
            .dim(
                "connecting to pod "
                    + pod
                    + " of "
                    + url.jobId()
                    + "; 'exit' ends its shell, Ctrl-] leaves it"));
    out.flush();
    TerminalAttach.End end;
    try {
      end = new TerminalAttach(terminal.get()).attach(URI.create(url.socketUrl()));
    } catch (IOException refused) {
      throw new RefusedException(
          "the service did not open the terminal (" + refused.getMessage() + "): try again");
    }
    out.println();
    if (end.exitCode() != null) {
      out.println(in.style().dim("[the pod's shell exited " + end.exitCode() + "]"));
      return Exits.OK;
    }
    out.println(
        in.style()
            .dim(
                end.detached()
                    ? "[left the terminal; its shell was ended]"
                    : "[the terminal closed"
                        + (end.closeReason().isBlank() ? "" : ": " + end.closeReason())
                        + "]"));
    return Exits.OK;
  }
}
