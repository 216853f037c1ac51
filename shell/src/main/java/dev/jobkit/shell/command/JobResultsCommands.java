package dev.jobkit.shell.command;

import dev.jobkit.sdk.JobResults;
import dev.jobkit.sdk.ResultMismatch;
import dev.jobkit.sdk.ResultsCheck;
import dev.jobkit.sdk.ResultsExpiredException;
import dev.jobkit.sdk.ResultsMismatchException;
import dev.jobkit.sdk.jobs.ResultFile;
import dev.jobkit.sdk.jobs.ResultManifest;
import dev.jobkit.shell.render.Table;
import dev.jobkit.shell.render.Text;
import dev.jobkit.shell.render.Times;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code job results ID}: the files a job wrote under its output dir, with their SHA-256; {@code
 * --output DIR} downloads them all (or {@code --file PATH} one) and checks every checksum, {@code
 * --verify DIR} checks a directory later, {@code --sha256sums} prints the checksums in the format
 * of {@code sha256sum -c}. A job whose results retention removed is said to be so, with when,
 * instead of a bare not-found.
 */
final class JobResultsCommands {

  private JobResultsCommands() {}

  static List<JobkitCommand> all(Session session) {
    return List.of(
        JobkitCommand.named("job results", session)
            .group(JobCommands.GROUP)
            .description(
                "List the files a job wrote (size, SHA-256), download them checked, or verify a"
                    + " directory")
            .option(
                Opt.value("output", "DIR", "download every file into DIR, each SHA-256 checked"))
            .option(
                Opt.value(
                    "file",
                    "PATH",
                    "download only this file of the manifest (into --output DIR, else here)"))
            .option(
                Opt.value(
                    "verify", "DIR", "check DIR against the manifest: missing, changed, extra"))
            .option(
                Opt.flag(
                    "sha256sums",
                    "print the checksums as sha256sum writes them, for sha256sum -c in the"
                        + " results' directory"))
            .option(JobCommands.JSON)
            .arguments("ID", Completions.jobIds())
            .examples(
                """
                  job results job_01jc…
                  job results job_01jc… --output ./out
                  job results job_01jc… --file model/weights.bin --output ./out
                  job results job_01jc… --verify ./out
                  job results job_01jc… --sha256sums > SHA256SUMS
                  job results job_01jc… --json\
                """)
            .action(JobResultsCommands::results));
  }

  private static int results(Invocation in) {
    String id = in.argument("a job id");
    JobResults results = in.client().jobs().results(id);
    var output = in.string("output");
    var file = in.string("file");
    var verify = in.string("verify");
    if (verify.isPresent() && (output.isPresent() || file.isPresent())) {
      throw new UsageException(
          "--verify checks a directory; it does not go with --output or --file");
    }
    if (in.flag("sha256sums")) {
      if (verify.isPresent() || output.isPresent() || file.isPresent() || in.flag("json")) {
        throw new UsageException(
            "--sha256sums prints the checksums; it does not go with --output, --file, --verify or"
                + " --json");
      }
      return sha256sums(in, id, kept(id, results::manifest));
    }
    if (verify.isPresent()) {
      return verify(in, id, results, Path.of(verify.get()));
    }
    if (file.isPresent()) {
      return downloadOne(in, id, results, Path.of(output.orElse(".")), file.get());
    }
    if (output.isPresent()) {
      return downloadAll(in, id, results, Path.of(output.get()));
    }
    ResultManifest manifest = kept(id, results::manifest);
    if (in.flag("json")) {
      in.render().json(manifest);
      return Exits.OK;
    }
    table(in, manifest);
    return Exits.OK;
  }

  private static void table(Invocation in, ResultManifest manifest) {
    PrintWriter out = in.out();
    if (!manifest.complete()) {
      in.render()
          .note(
              "job "
                  + manifest.jobId()
                  + " has not ended: its files as they are now, without checksums");
    }
    if (manifest.files().isEmpty()) {
      in.render().note("job " + manifest.jobId() + " wrote no files under its output dir");
      return;
    }
    Table t = Table.of("PATH", "SIZE", "SHA256", "MODIFIED").flexible("PATH");
    Instant now = Instant.now();
    for (ResultFile f : manifest.files()) {
      t.row(
          f.path(),
          String.valueOf(f.sizeBytes()),
          f.sha256() == null ? "-" : f.sha256().substring(0, 12),
          Times.relative(f.modifiedAt(), now));
    }
    t.print(out, in.style(), in.width());
    out.println(
        in.style()
            .dim(
                manifest.fileCount()
                    + (manifest.fileCount() == 1 ? " file, " : " files, ")
                    + manifest.totalBytes()
                    + " bytes"
                    + (manifest.complete() ? "" : " so far")));
  }

  /**
   * The manifest as GNU {@code sha256sum} writes it: {@code HASH PATH}, one file a line. A path
   * with a backslash or a line break is written escaped, its line led by a backslash, as {@code
   * sha256sum} does, so that {@code sha256sum -c} reads every line back.
   */
  private static int sha256sums(Invocation in, String id, ResultManifest manifest) {
    if (!manifest.complete()) {
      throw new UsageException(
          "job "
              + id
              + " has not ended, so its files have no checksums yet; wait for it (job wait "
              + id
              + ") and ask again");
    }
    PrintWriter out = in.out();
    for (ResultFile f : manifest.files()) {
      out.println(sha256sumLine(f.sha256(), f.path()));
    }
    return Exits.OK;
  }

  /** One line of {@code sha256sum}'s output for this file. */
  static String sha256sumLine(String sha256, String path) {
    boolean escaped = path.indexOf('\\') >= 0 || path.indexOf('\n') >= 0 || path.indexOf('\r') >= 0;
    if (!escaped) {
      return sha256 + "  " + path;
    }
    String name = path.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    return "\\" + sha256 + "  " + name;
  }

  private static int downloadAll(Invocation in, String id, JobResults results, Path dir) {
    ResultManifest manifest;
    try {
      manifest = kept(id, () -> results.download(dir));
    } catch (ResultsMismatchException failed) {
      return failed(in, id, dir, failed);
    }
    if (in.flag("json")) {
      in.render().json(manifest);
      return Exits.OK;
    }
    in.out()
        .println(
            "wrote "
                + manifest.fileCount()
                + (manifest.fileCount() == 1 ? " file" : " files")
                + " ("
                + manifest.totalBytes()
                + " bytes) of job "
                + id
                + " to "
                + dir
                + ", every SHA-256 checked");
    return Exits.OK;
  }

  private static int downloadOne(
      Invocation in, String id, JobResults results, Path dir, String path) {
    ResultFile file;
    try {
      file = kept(id, () -> results.download(dir, path));
    } catch (ResultsMismatchException failed) {
      return failed(in, id, dir, failed);
    }
    if (in.flag("json")) {
      in.render().json(file);
      return Exits.OK;
    }
    in.out()
        .println(
            "wrote "
                + Text.safe(dir.resolve(file.path()).toString())
                + " ("
                + file.sizeBytes()
                + " bytes), sha256 "
                + file.sha256()
                + " checked");
    return Exits.OK;
  }

  private static int failed(Invocation in, String id, Path dir, ResultsMismatchException failed) {
    PrintWriter out = in.out();
    out.println(
        in.style().bold("checksum mismatch")
            + ": "
            + failed.mismatches().size()
            + " file(s) of job "
            + id
            + " did not arrive as the manifest says; they were not written to "
            + dir
            + ":");
    for (ResultMismatch m : failed.mismatches()) {
      out.println(
          "  "
              + Text.safe(m.path())
              + ": "
              + m.actualSize()
              + " bytes, sha256 "
              + m.actualSha256()
              + "; expected "
              + m.expectedSize()
              + " bytes, sha256 "
              + m.expectedSha256());
    }
    return Exits.ERROR;
  }

  private static int verify(Invocation in, String id, JobResults results, Path dir) {
    ResultsCheck check = kept(id, () -> results.verify(dir));
    if (in.flag("json")) {
      in.render().json(check);
      return check.ok() ? Exits.OK : Exits.ERROR;
    }
    PrintWriter out = in.out();
    if (check.ok()) {
      out.println(
          dir + " holds the results of job " + id + ": " + check.matched() + " files, all match");
      return Exits.OK;
    }
    out.println(
        dir
            + " does not match the results of job "
            + id
            + ": "
            + check.matched()
            + " match, "
            + check.missing().size()
            + " missing, "
            + check.changed().size()
            + " changed, "
            + check.extra().size()
            + " extra");
    check.missing().forEach(p -> out.println("  missing  " + Text.safe(p)));
    check
        .changed()
        .forEach(
            m ->
                out.println(
                    "  changed  "
                        + Text.safe(m.path())
                        + " ("
                        + m.actualSize()
                        + " bytes, sha256 "
                        + m.actualSha256().substring(0, 12)
                        + "; expected "
                        + m.expectedSize()
                        + " bytes, sha256 "
                        + m.expectedSha256().substring(0, 12)
                        + ")"));
    check.extra().forEach(p -> out.println("  extra    " + Text.safe(p)));
    return Exits.ERROR;
  }

  /** What {@code read} reads; an expired job's results said to be removed, with when. */
  private static <T> T kept(String id, Supplier<T> read) {
    try {
      return read.get();
    } catch (ResultsExpiredException gone) {
      throw new MissingException(
          "results of "
              + id
              + " were removed by retention"
              + gone.expiredAt().map(at -> " at " + Times.absolute(at)).orElse("")
              + " (jobkit.retention.*); the job's record and events are kept");
    } catch (IllegalStateException notEnded) {
      throw new UsageException(notEnded.getMessage());
    }
  }
}
