package dev.jobkit.shell.command;

import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.shares.Share;
import dev.jobkit.shell.render.Table;
import dev.jobkit.shell.render.Times;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * {@code job share}, {@code job share list} and {@code job share revoke}: read-only share tokens of
 * a job. {@code job share} prints the token's URL (it works in a browser) and a ready {@code curl}
 * line that sends the token in a header instead, both shown this once.
 */
final class JobShareCommands {

  private static final Output.Format[] FORMATS = {
    Output.Format.JSON, Output.Format.NAME, Output.Format.JSONPATH, Output.Format.CUSTOM_COLUMNS
  };

  private static final Opt OUTPUT = Output.option(FORMATS);

  private JobShareCommands() {}

  static List<JobkitCommand> all(Session session) {
    return List.of(
        JobkitCommand.named("job share", session)
            .group(JobCommands.GROUP)
            .description(
                "Make a read-only token of a job (its log, events and results, nothing else)")
            .option(
                Opt.value(
                    "expires",
                    "DURATION",
                    "how long the token works: 90s, 30m, 12h, 3d (default 7d, at most 30d)"))
            .option(JobCommands.JSON)
            .option(OUTPUT)
            .arguments("ID", Completions.jobIds())
            .examples(
                """
                  job share job_01j9...
                  job share job_01j9... --expires 3d
                  job share job_01j9... -o jsonpath='{.token}'\
                """)
            .action(JobShareCommands::share),
        JobkitCommand.named("job share list", session)
            .group(JobCommands.GROUP)
            .description("List a job's share tokens that still work (never the tokens)")
            .option(JobCommands.JSON)
            .option(OUTPUT)
            .arguments("ID", Completions.jobIds())
            .action(
                in -> {
                  Output output = Output.of(in, FORMATS);
                  List<Share> shares = in.client().shares().list(in.argument("a job id"));
                  output.items(in.render(), shares, s -> table(in, s), Share::id);
                  return Exits.OK;
                }),
        JobkitCommand.named("job share revoke", session)
            .group(JobCommands.GROUP)
            .description("Revoke a share token at once")
            .arguments("SHARE_ID", null)
            .examples(
                """
                  job share revoke shr_01j9...\
                """)
            .action(
                in -> {
                  String id = in.argument("a share id (shr_…, from 'job share list ID')");
                  in.client().shares().revoke(id);
                  in.out().println("revoked " + id + "; its token is refused from now on");
                  return Exits.OK;
                }));
  }

  private static int share(Invocation in) {
    Output output = Output.of(in, FORMATS);
    String jobId = in.argument("a job id");
    Share share;
    try {
      share = in.client().shares().create(jobId, in.string("expires").orElse(null));
    } catch (ValidationException e) {
      // The service names its field; the user typed the option.
      throw e.errors().stream()
          .filter(error -> error.field().equals("expires_in"))
          .findFirst()
          .<RuntimeException>map(error -> new UsageException("--expires " + error.reason()))
          .orElse(e);
    }
    output.one(in.render(), share, s -> show(in, s), Share::id);
    return Exits.OK;
  }

  private static void show(Invocation in, Share share) {
    PrintWriter out = in.out();
    out.println(
        "shared "
            + in.style().bold(share.jobId())
            + " until "
            + Times.absolute(share.expiresAt())
            + " as "
            + share.id());
    out.println("url   " + share.url());
    out.println("curl  " + curl(share));
    out.println(
        in.style()
            .dim(
                "the token is shown this once; revoke it with 'job share revoke "
                    + share.id()
                    + "'"));
  }

  /**
   * A {@code curl} line that reads the job with the token in a header, not in the URL (where logs
   * and histories keep it); every word quoted for a POSIX shell.
   */
  static String curl(Share share) {
    URI url = share.url();
    String plain = url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath();
    return "curl -fsS -H "
        + CommandOrShell.quote("Authorization: Bearer " + share.token())
        + " "
        + CommandOrShell.quote(plain);
  }

  private static void table(Invocation in, List<Share> shares) {
    if (shares.isEmpty()) {
      in.render().note("no share tokens that still work; make one with 'job share ID'");
      return;
    }
    Table t = Table.of("ID", "CREATED BY", "CREATED", "EXPIRES");
    Instant now = Instant.now();
    shares.forEach(
        s ->
            t.row(
                s.id(),
                s.createdBy(),
                Times.relative(s.createdAt(), now),
                Times.absolute(s.expiresAt())));
    t.print(in.out(), in.style(), in.width());
  }
}
