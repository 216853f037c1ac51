package dev.jobkit.server.exec;

import dev.jobkit.sdk.apps.StageIn;
import dev.jobkit.sdk.apps.StageOut;
import dev.jobkit.server.JobkitProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Copies an app's {@code stage_in} sources into a job's work dir (pod 0's) and its {@code
 * stage_out} files out of it. A source or destination is a path under one of {@code
 * jobkit.transfers.roots} — checked after every symlink is resolved, so neither {@code ..} nor a
 * link leads out of the roots — or an {@code http(s)} URL: fetched with {@code GET} (at most {@code
 * jobkit.transfers.max-download-bytes}), delivered with {@code PUT}, each within {@code
 * jobkit.transfers.timeout}. Inside the work dir, which the job's processes write, no link is
 * followed: a staged file replaces whatever is at its path, and a staged-out file must be a regular
 * file of the work dir itself. Runs on the caller's thread, never the dispatcher's.
 */
@Component
public class JobTransfers {

  /** A transfer that could not be done, with a sentence for the job's error. */
  public static final class TransferFailedException extends Exception {
    TransferFailedException(String message) {
      super(message);
    }
  }

  private final JobFiles files;
  private final List<Path> roots;
  private final long maxDownloadBytes;
  private final Duration timeout;
  private HttpClient http; // guarded by this

  JobTransfers(JobkitProperties properties, JobFiles files) {
    this.files = files;
    JobkitProperties.Transfers config = properties.transfers();
    this.roots = config.roots().stream().map(p -> p.toAbsolutePath().normalize()).toList();
    this.maxDownloadBytes = config.maxDownloadBytes().toBytes();
    this.timeout = config.timeout();
  }

  /** The client of {@code http(s)} sources, made at the first (about 0.1 s off every start). */
  private synchronized HttpClient http() {
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .connectTimeout(timeout)
              .followRedirects(HttpClient.Redirect.NORMAL)
              .build();
    }
    return http;
  }

  /** Copies every source into the work dir of the job (whose directories are made here). */
  public void stageIn(String jobId, int podCount, List<StageIn> transfers)
      throws TransferFailedException {
    files.prepare(jobId, podCount, null);
    Path workDir = files.podWorkDir(jobId, 0);
    for (StageIn in : transfers) {
      Path target = insideWorkDir(workDir, in.path(), "stage_in");
      String digest;
      try {
        makeParents(workDir, target, in.path());
        Files.deleteIfExists(target); // never written through a link the job left there
        digest =
            isUrl(in.source()) ? download(in.source(), target) : copyFromRoot(in.source(), target);
      } catch (IOException e) {
        throw new TransferFailedException(
            "stage_in of " + in.source() + " to " + in.path() + " failed: " + describe(e));
      }
      if (in.sha256() != null && !in.sha256().equalsIgnoreCase(digest)) {
        throw new TransferFailedException(
            "stage_in of "
                + in.path()
                + ": sha256 mismatch, expected "
                + in.sha256().toLowerCase(Locale.ROOT)
                + " but got "
                + digest);
      }
    }
  }

  /** Copies every file out of the work dir of the job. */
  public void stageOut(String jobId, List<StageOut> transfers) throws TransferFailedException {
    Path workDir = files.podWorkDir(jobId, 0);
    for (StageOut out : transfers) {
      Path source = insideWorkDir(workDir, out.path(), "stage_out");
      try {
        Path real;
        try {
          real = source.toRealPath();
        } catch (NoSuchFileException e) {
          throw new TransferFailedException(
              "stage_out: " + out.path() + " is not in the job's work dir");
        }
        if (!real.startsWith(workDir.toRealPath())) {
          throw new TransferFailedException(
              "stage_out: " + out.path() + " leads out of the job's work dir (a symlink)");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
          throw new TransferFailedException(
              "stage_out: " + out.path() + " is not a regular file (only files are staged out)");
        }
        if (isUrl(out.destination())) {
          upload(real, out.destination());
        } else {
          copyToRoot(real, out.destination());
        }
      } catch (IOException e) {
        throw new TransferFailedException(
            "stage_out of " + out.path() + " to " + out.destination() + " failed: " + describe(e));
      }
    }
  }

  private static boolean isUrl(String location) {
    String lower = location.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  private static Path insideWorkDir(Path workDir, String path, String step)
      throws TransferFailedException {
    Path target = workDir.resolve(path).normalize();
    if (!target.startsWith(workDir) || target.equals(workDir)) {
      throw new TransferFailedException(step + ": " + path + " is not a path in the work dir");
    }
    return target;
  }

  /** Makes the directories above {@code target}, refusing any that is not a plain directory. */
  private static void makeParents(Path workDir, Path target, String path)
      throws IOException, TransferFailedException {
    Path dir = workDir;
    for (Path name :
        workDir.relativize(target.getParent() == null ? workDir : target.getParent())) {
      if (name.toString().isEmpty()) {
        continue;
      }
      dir = dir.resolve(name);
      if (Files.isSymbolicLink(dir)
          || (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)
              && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS))) {
        throw new TransferFailedException(
            "stage_in: " + path + " goes through " + workDir.relativize(dir) + ", not a directory");
      }
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(dir);
      }
    }
  }

  /** The root a path lies under, after its links are resolved; else why it may not be used. */
  private Path underRoot(Path real, String location, String step) throws TransferFailedException {
    if (roots.isEmpty()) {
      throw new TransferFailedException(
          step
              + ": "
              + location
              + " is a path, and no transfer roots are configured (jobkit.transfers.roots)");
    }
    for (Path root : roots) {
      try {
        Path realRoot = root.toRealPath();
        if (real.startsWith(realRoot)) {
          return realRoot;
        }
      } catch (IOException missing) {
        // a root that does not exist holds nothing
      }
    }
    throw new TransferFailedException(
        step
            + ": "
            + location
            + " is not under a transfer root (jobkit.transfers.roots: "
            + roots
            + ")");
  }

  private String copyFromRoot(String source, Path target)
      throws IOException, TransferFailedException {
    Path path = pathOf("stage_in", source);
    if (!path.isAbsolute()) {
      throw new TransferFailedException(
          "stage_in: " + source + " must be an absolute path under a transfer root");
    }
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      throw new TransferFailedException("stage_in: " + source + " does not exist");
    }
    underRoot(real, source, "stage_in");
    if (!Files.isRegularFile(real)) {
      throw new TransferFailedException(
          "stage_in: " + source + " is not a regular file (only files are staged in)");
    }
    try (InputStream in = Files.newInputStream(real)) {
      return copy(in, target, Long.MAX_VALUE, source);
    }
  }

  private String download(String url, Path target) throws IOException, TransferFailedException {
    HttpResponse<InputStream> response;
    try {
      response =
          http()
              .send(
                  HttpRequest.newBuilder(uriOf("stage_in", url)).timeout(timeout).GET().build(),
                  HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransferFailedException("stage_in: the download of " + url + " was interrupted");
    }
    try (InputStream in = response.body()) {
      if (response.statusCode() / 100 != 2) {
        throw new TransferFailedException(
            "stage_in: GET " + url + " answered " + response.statusCode());
      }
      return copy(in, target, maxDownloadBytes, url);
    }
  }

  /** Copies at most {@code limit} bytes into a new file; its SHA-256, in hex. */
  private static String copy(InputStream in, Path target, long limit, String source)
      throws IOException, TransferFailedException {
    MessageDigest digest = sha256();
    long total = 0;
    try (OutputStream out =
        Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        total += n;
        if (total > limit) {
          out.close();
          Files.deleteIfExists(target);
          throw new TransferFailedException(
              "stage_in: "
                  + source
                  + " holds more than "
                  + limit
                  + " bytes (jobkit.transfers.max-download-bytes)");
        }
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** A URL filled in from parameters may be no URL (a space, a NUL): a failed transfer. */
  private static URI uriOf(String step, String url) throws TransferFailedException {
    try {
      return URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new TransferFailedException(step + ": " + url + " is not a URL: " + e.getMessage());
    }
  }

  /** A path filled in from parameters may hold what no path can (a NUL): a failed transfer. */
  private static Path pathOf(String step, String location) throws TransferFailedException {
    try {
      return Path.of(location);
    } catch (InvalidPathException e) {
      throw new TransferFailedException(
          step + ": " + location + " is not a path: " + e.getReason());
    }
  }

  private void copyToRoot(Path source, String destination)
      throws IOException, TransferFailedException {
    Path path = pathOf("stage_out", destination);
    if (!path.isAbsolute()) {
      throw new TransferFailedException(
          "stage_out: " + destination + " must be an absolute path under a transfer root");
    }
    path = path.normalize();
    // The nearest directory that exists decides where the new ones go.
    List<Path> missing = new ArrayList<>();
    Path existing = path.getParent();
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      missing.add(0, existing);
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new TransferFailedException("stage_out: " + destination + " has no parent");
    }
    underRoot(existing.toRealPath(), destination, "stage_out");
    for (Path dir : missing) {
      Files.createDirectory(dir);
    }
    Path target = path.getParent().toRealPath().resolve(path.getFileName());
    underRoot(target.getParent(), destination, "stage_out");
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new TransferFailedException("stage_out: " + destination + " is a directory");
    }
    Files.deleteIfExists(target); // a link there is replaced, never followed
    try (InputStream in = Files.newInputStream(source)) {
      copy(in, target, Long.MAX_VALUE, source.toString());
    }
  }

  private void upload(Path source, String url) throws IOException, TransferFailedException {
    HttpResponse<Void> response;
    try {
      response =
          http()
              .send(
                  HttpRequest.newBuilder(uriOf("stage_out", url))
                      .timeout(timeout)
                      .PUT(HttpRequest.BodyPublishers.ofFile(source))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransferFailedException("stage_out: the upload to " + url + " was interrupted");
    }
    if (response.statusCode() / 100 != 2) {
      throw new TransferFailedException(
          "stage_out: PUT " + url + " answered " + response.statusCode());
    }
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
