package dev.jobkit.server.ml;

import dev.jobkit.sdk.apps.App;
import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.data.Result;
import dev.jobkit.sdk.data.StoredFile;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.auth.Keys;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.store.AppStore;
import dev.jobkit.server.store.DataStore;
import dev.jobkit.server.store.JobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Records what a job of a shipped app made, when it succeeds: a train job's output dir becomes a
 * model record, a predict job's a result record (with the model it used), each with every file's
 * path (relative to the output dir), size and SHA-256, the job's last metrics and its parameters.
 * The files stay in the job's output dir, where {@code GET /api/v1/models/{id}/files/{name}} reads
 * them; deleting the job deletes the record and the files.
 */
@Component
public class OutputRecords {

  private static final Logger log = LoggerFactory.getLogger(OutputRecords.class);

  private final JobStore jobs;
  private final AppStore apps;
  private final DataStore data;
  private final JobFiles files;

  OutputRecords(JobStore jobs, AppStore apps, DataStore data, JobFiles files) {
    this.jobs = jobs;
    this.apps = apps;
    this.data = data;
    this.files = files;
  }

  /**
   * What to write, in the same transaction as a job's move to {@code SUCCEEDED}, so that whoever
   * sees the job succeeded (a client, a child about to be released) also finds its record: the
   * model or result record if it ran a shipped app, else nothing. The files are read and hashed
   * here, before that transaction (the job's processes are gone, its outputs are final). A record
   * that cannot be made is logged and left out; the job still succeeds.
   */
  public Optional<Runnable> recordOnSuccess(String jobId) {
    try {
      Job job = jobs.findSummary(jobId).orElse(null);
      if (job == null
          || job.status().isTerminal()
          || job.app() == null
          || !ShippedApps.isShipped(job.app())
          || job.appVersion() == null) {
        return Optional.empty();
      }
      Optional<App> app = apps.definition(job.app(), job.appVersion());
      if (app.isEmpty() || !ShippedApps.PUT_BY.equals(app.get().createdBy())) {
        return Optional.empty();
      }
      List<StoredFile> stored = files(files.outputDir(jobId));
      Map<String, Object> metrics = new LinkedHashMap<>(job.metrics());
      Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
      if (ShippedApps.TRAIN.equals(job.app())) {
        Model model =
            new Model(
                Keys.newId("model"),
                jobId,
                job.owner(),
                job.app(),
                stored,
                metrics,
                job.parameters(),
                now);
        return Optional.of(() -> data.addModel(model));
      }
      Object modelId = job.parameters().get("model_id");
      Result result =
          new Result(
              Keys.newId("result"),
              jobId,
              job.owner(),
              job.app(),
              modelId instanceof String s ? s : null,
              stored,
              metrics,
              job.parameters(),
              now);
      return Optional.of(() -> data.addResult(result));
    } catch (RuntimeException e) {
      log.error("could not record the model or result of job {}", jobId, e);
      return Optional.empty();
    }
  }

  /** Every regular file under {@code dir}, by relative path, with its size and SHA-256. */
  static List<StoredFile> files(Path dir) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<StoredFile> found = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path file : walk.sorted().toList()) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        MessageDigest sha = sha256();
        long size;
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
          size = in.transferTo(OutputStream.nullOutputStream());
        }
        found.add(
            new StoredFile(
                dir.relativize(file).toString().replace('\\', '/'),
                size,
                HexFormat.of().formatHex(sha.digest())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
