package dev.jobkit.sdk;

import dev.jobkit.sdk.internal.Json;
import dev.jobkit.sdk.jobs.ResultFile;
import dev.jobkit.sdk.jobs.ResultManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The results of one job: the files it wrote under its output dir ({@code JOBKIT_OUTPUT_DIR}), as
 * {@code client.jobs().results(jobId)} gives them. Not the result records of the {@code predict}
 * app, which are {@link JobkitClient#results()}.
 *
 * <pre>{@code
 * JobResults results = client.jobs().results(job.id());
 * ResultManifest manifest = results.download(Path.of("out")); // every SHA-256 checked
 * ResultsCheck later = results.verify(Path.of("out"));       // missing, changed, extra files
 * }</pre>
 *
 * <p>A job's manifest is final once the job has ended; {@link #download(Path)} and {@link
 * #verify(Path)} need that (they check SHA-256s, which a job that still runs has not got). A job
 * whose results retention removed answers {@link ResultsExpiredException} on every call.
 */
public final class JobResults {

  private static final int BUFFER = 256 * 1024;
  private static final int MAX_PROBLEM = 256 * 1024;

  private final JobkitClient client;
  private final String jobId;

  JobResults(JobkitClient client, String jobId) {
    this.client = client;
    this.jobId = jobId;
  }

  /**
   * The job's id.
   *
   * @return the id these results are of
   */
  public String jobId() {
    return jobId;
  }

  /**
   * The manifest: every file with size, SHA-256, modified time and media type; final once the job
   * has ended, the files as they are (without SHA-256) before.
   *
   * @return the manifest
   * @throws NotFoundException if there is no such job, or it is another user's private job
   * @throws ResultsExpiredException if retention removed the job's results
   */
  public ResultManifest manifest() {
    try {
      return client.calls().run(() -> client.api().results(jobId));
    } catch (ResultsExpiredException e) {
      throw withTime(e);
    }
  }

  /**
   * One file's bytes as they arrive, not checked: {@link #download(Path, String)} checks them. The
   * caller closes the stream.
   *
   * @param path the file's path in the manifest, such as {@code model/weights.bin}
   * @return its bytes
   * @throws NotFoundException if the results have no such file
   * @throws ValidationException if {@code path} is not a relative path inside the output dir
   * @throws ResultsExpiredException if retention removed the job's results
   */
  public InputStream open(String path) {
    return get("/results/" + encodePath(path));
  }

  /**
   * Every file as one zip, streamed as the service writes it: entries named by their paths in the
   * manifest. The caller closes the stream.
   *
   * @return the zip's bytes
   * @throws NotFoundException if there is no such job, or it is another user's private job
   * @throws ResultsExpiredException if retention removed the job's results
   */
  public InputStream openZip() {
    return get("/results.zip");
  }

  /**
   * Writes the zip of every file ({@link #openZip()}) to {@code out}, which is left open.
   *
   * @param out where to write the zip
   * @return how many bytes were written
   * @throws UncheckedIOException if {@code out} cannot be written
   */
  public long writeZip(OutputStream out) {
    try (InputStream in = openZip()) {
      return in.transferTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the results zip of " + jobId, e);
    }
  }

  /**
   * Downloads every file of the job's final manifest into {@code dir} (made if missing), at its
   * path there, file by file, and checks each against its size and SHA-256 as it arrives. A file
   * that matches replaces what was at its path; one that does not is not written, and is named,
   * with every other failing file, in the exception at the end.
   *
   * @param dir the directory to write the files in
   * @return the manifest the files were checked against
   * @throws ResultsMismatchException naming every file whose bytes did not match
   * @throws IllegalStateException if the job has not ended: its files have no SHA-256 yet
   * @throws ResultsExpiredException if retention removed the job's results
   * @throws UncheckedIOException if {@code dir} cannot be written
   */
  public ResultManifest download(Path dir) {
    ResultManifest manifest = finalManifest();
    List<ResultMismatch> failed = new ArrayList<>();
    for (ResultFile file : manifest.files()) {
      ResultMismatch mismatch = fetch(dir, file);
      if (mismatch != null) {
        failed.add(mismatch);
      }
    }
    if (!failed.isEmpty()) {
      throw mismatch(failed, manifest.files().size());
    }
    return manifest;
  }

  /**
   * Downloads one file of the job's final manifest into {@code dir}, at its path there, checked as
   * {@link #download(Path)} does.
   *
   * @param dir the directory to write it in
   * @param path the file's path in the manifest
   * @return the manifest's entry, which the file matches
   * @throws NotFoundException if the manifest has no such file
   * @throws ResultsMismatchException if its bytes did not match
   * @throws IllegalStateException if the job has not ended
   * @throws ResultsExpiredException if retention removed the job's results
   */
  public ResultFile download(Path dir, String path) {
    ResultManifest manifest = finalManifest();
    ResultFile file =
        manifest.files().stream()
            .filter(f -> f.path().equals(path))
            .findFirst()
            .orElseThrow(
                () ->
                    new NotFoundException(
                        404,
                        new Problem(
                            null,
                            null,
                            404,
                            "the results of job " + jobId + " have no file " + path,
                            null,
                            "not_found",
                            null,
                            null,
                            null,
                            null),
                        null));
    ResultMismatch mismatch = fetch(dir, file);
    if (mismatch != null) {
      throw mismatch(List.of(mismatch), 1);
    }
    return file;
  }

  /**
   * Checks a directory against the job's final manifest, reading every file: which files are
   * missing, which have other bytes, and which are there but not in the manifest. Nothing is
   * downloaded.
   *
   * @param dir the directory the results were downloaded to
   * @return what was found; {@link ResultsCheck#ok()} when it holds exactly the results
   * @throws IllegalStateException if the job has not ended
   * @throws ResultsExpiredException if retention removed the job's results
   * @throws UncheckedIOException if the directory cannot be read
   */
  public ResultsCheck verify(Path dir) {
    ResultManifest manifest = finalManifest();
    Set<String> listed = new HashSet<>();
    List<String> missing = new ArrayList<>();
    List<ResultMismatch> changed = new ArrayList<>();
    int matched = 0;
    byte[] buffer = new byte[BUFFER];
    for (ResultFile file : manifest.files()) {
      listed.add(file.path());
      Path local = inside(dir, file.path());
      try {
        directories(dir, file.path(), false);
      } catch (IOException notThere) {
        missing.add(file.path());
        continue;
      }
      if (!Files.isRegularFile(local, LinkOption.NOFOLLOW_LINKS)) {
        missing.add(file.path());
        continue;
      }
      try (InputStream in = Files.newInputStream(local, LinkOption.NOFOLLOW_LINKS)) {
        MessageDigest sha = CheckedContent.sha256();
        long size = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
          sha.update(buffer, 0, n);
          size += n;
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (size == file.sizeBytes() && actual.equals(file.sha256())) {
          matched++;
        } else {
          changed.add(
              new ResultMismatch(file.path(), file.sha256(), actual, file.sizeBytes(), size));
        }
      } catch (NoSuchFileException gone) {
        missing.add(file.path());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + local + ": " + e.getMessage(), e);
      }
    }
    List<String> extra = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try {
        Files.walkFileTree(
            dir,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                String rel = relative(dir, f);
                if (!listed.contains(rel)) {
                  extra.add(rel);
                }
                return FileVisitResult.CONTINUE;
              }
            });
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
      }
    }
    extra.sort(null);
    return new ResultsCheck(jobId, matched, missing, changed, extra);
  }

  private ResultManifest finalManifest() {
    ResultManifest manifest = manifest();
    if (!manifest.complete()) {
      throw new IllegalStateException(
          "job "
              + jobId
              + " has not ended: its results have no SHA-256 yet to check a download against;"
              + " wait for it to end (or read a file with open(path))");
    }
    return manifest;
  }

  /** Downloads one file to its place under {@code dir}; the mismatch, or null when it matched. */
  private ResultMismatch fetch(Path dir, ResultFile file) {
    Path target = inside(dir, file.path());
    try {
      directories(dir, file.path(), true);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write in " + target.getParent() + ": " + e.getMessage(), e);
    }
    return WholeFile.write(
        target,
        partial -> {
          MessageDigest sha = CheckedContent.sha256();
          long size = 0;
          byte[] buffer = new byte[BUFFER];
          try (InputStream in = open(file.path());
              OutputStream out = Files.newOutputStream(partial)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
              sha.update(buffer, 0, n);
              out.write(buffer, 0, n);
              size += n;
            }
          } catch (IOException e) {
            throw new TransportException(
                "cannot download " + file.path() + " of job " + jobId + ": " + e.getMessage(), e);
          }
          String actual = HexFormat.of().formatHex(sha.digest());
          return size == file.sizeBytes() && actual.equals(file.sha256())
              ? null
              : new ResultMismatch(file.path(), file.sha256(), actual, file.sizeBytes(), size);
        },
        mismatch -> mismatch == null);
  }

  private ResultsMismatchException mismatch(List<ResultMismatch> failed, int of) {
    StringBuilder message =
        new StringBuilder(failed.size() + " of " + of + " files of job " + jobId + " failed:");
    for (ResultMismatch m : failed) {
      message
          .append(' ')
          .append(m.path())
          .append(" (arrived as ")
          .append(m.actualSize())
          .append(" bytes with SHA-256 ")
          .append(m.actualSha256())
          .append(", the manifest says ")
          .append(m.expectedSize())
          .append(" bytes with SHA-256 ")
          .append(m.expectedSha256())
          .append(");");
    }
    message.setLength(message.length() - 1);
    return new ResultsMismatchException(message.toString(), failed);
  }

  /**
   * Makes (when {@code create}) or checks the directories of {@code path} under {@code dir}, the
   * way to it: none may be a symbolic link, which would lead the file out of {@code dir} (one
   * planted there, or left from before).
   */
  private static void directories(Path dir, String path, boolean create) throws IOException {
    Path at = dir.toAbsolutePath().normalize();
    if (create) {
      Files.createDirectories(at);
    }
    String[] parts = path.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      at = at.resolve(parts[i]);
      if (Files.isSymbolicLink(at)) {
        throw new IOException(at + " is a symbolic link, which a download does not follow");
      }
      if (!Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
        if (!create || Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
          throw new NoSuchFileException(at.toString(), null, "not a directory");
        }
        Files.createDirectory(at);
      }
    }
  }

  /** {@code path} under {@code dir}; a path from the manifest that would leave it is refused. */
  private Path inside(Path dir, String path) {
    Path base = dir.toAbsolutePath().normalize();
    Path resolved = base.resolve(path).normalize();
    if (path.isEmpty()
        || path.startsWith("/")
        || path.contains("\\")
        || !resolved.startsWith(base)
        || resolved.equals(base)) {
      throw new IllegalStateException(
          "the manifest of job "
              + jobId
              + " names "
              + path
              + ", which is not a path inside "
              + dir);
    }
    return resolved;
  }

  private static String relative(Path dir, Path file) {
    StringBuilder rel = new StringBuilder();
    for (Path part : dir.relativize(file)) {
      if (!rel.isEmpty()) {
        rel.append('/');
      }
      rel.append(part);
    }
    return rel.toString();
  }

  private static String encodePath(String path) {
    StringBuilder encoded = new StringBuilder();
    for (String segment : path.split("/", -1)) {
      if (!encoded.isEmpty()) {
        encoded.append('/');
      }
      encoded.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return encoded.toString();
  }

  /** The open body of a 200 to {@code GET /api/v1/jobs/{id}{suffix}}; else the SDK's exception. */
  private InputStream get(String suffix) {
    URI uri =
        URI.create(
            client.baseUrl().toString().replaceAll("/+$", "")
                + "/api/v1/jobs/"
                + URLEncoder.encode(jobId, StandardCharsets.UTF_8)
                + suffix);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).header("User-Agent", client.userAgent()).GET();
    if (client.apiKey() != null) {
      request.header("Authorization", "Bearer " + client.apiKey());
    }
    HttpResponse<InputStream> response;
    try {
      response = client.http().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new TransportException("cannot reach " + uri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted while asking " + uri, e);
    }
    if (response.statusCode() == 200) {
      return response.body();
    }
    Problem problem;
    try (InputStream body = response.body()) {
      byte[] bytes = body.readNBytes(MAX_PROBLEM);
      problem = Json.MAPPER.readValue(bytes, Problem.class);
    } catch (IOException | RuntimeException notAProblem) {
      problem =
          new Problem(null, null, response.statusCode(), null, null, null, null, null, null, null);
    }
    JobkitApiException error =
        ProblemDecoder.toException(
            response.statusCode(),
            problem,
            response.headers().firstValue("X-Request-Id").orElse(null),
            response.headers().firstValue("Retry-After").orElse(null));
    if (error instanceof ResultsExpiredException expired) {
      throw withTime(expired);
    }
    throw error;
  }

  /** The exception with the time retention removed the results, read from the job. */
  private ResultsExpiredException withTime(ResultsExpiredException e) {
    if (e.expiredAt().isPresent()) {
      return e;
    }
    try {
      return new ResultsExpiredException(
          e.status(),
          e.problem(),
          e.requestId().orElse(null),
          client.jobs().get(jobId).resultsExpiredAt());
    } catch (JobkitException unknown) {
      return e;
    }
  }
}
