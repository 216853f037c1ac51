package dev.jobkit.server.jobs;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.ResultFile;
import dev.jobkit.sdk.jobs.ResultManifest;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.store.CommittedEventListener;
import dev.jobkit.server.store.JobResultStore;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.StoredEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.AbstractResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.stereotype.Service;

/**
 * A job's results: the files it wrote under its output dir ({@code JOBKIT_OUTPUT_DIR}), listed in a
 * manifest with size, SHA-256, modified time and media type.
 *
 * <p>The final manifest is taken once per job, when it ends ({@code SUCCEEDED}, {@code FAILED}, or
 * {@code CANCELED} with what it wrote so far), and stored ({@link JobResultStore}): a thread of its
 * own takes it right after the end is committed, off the engine's path. A read that comes first
 * (the client saw the end before that thread got to the job) takes it itself, under the same
 * per-job lock, so a client that sees an ended job always gets the final manifest, and it is still
 * taken once. When the service starts it takes the manifests of ended jobs that have none (they
 * ended while it was down, or it stopped before it got to them).
 *
 * <p>Before the end a read lists the files as they are, without checksums, {@code final: false}.
 *
 * <p>Only regular files count: a symbolic link, a socket or a device under the output dir is not a
 * result, and a file is only ever opened without following links and served when its real path is
 * still inside the output dir.
 */
@Service
public class ResultManifests implements CommittedEventListener, SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ResultManifests.class);
  private static final int BUFFER = 256 * 1024;
  private static final int MAX_PATH = 4096;
  private static final int SCAN_BATCH = 200;
  private static final int LOCKS = 64;
  private static final int CHECK_BATCH = 100;

  private final JobReader reader;
  private final JobStore jobs;
  private final JobResultStore store;
  private final JobFiles files;
  private final Clock clock = Clock.systemUTC();
  private final Object[] locks = new Object[LOCKS];
  // Jobs that ended, waiting for the worker to take their manifests; whether a take is queued.
  private final Queue<String> ended = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private volatile ExecutorService worker;

  ResultManifests(JobReader reader, JobStore jobs, JobResultStore store, JobFiles files) {
    this.reader = reader;
    this.jobs = jobs;
    this.store = store;
    this.files = files;
    for (int i = 0; i < LOCKS; i++) {
      locks[i] = new Object();
    }
  }

  /**
   * A file of a job's results that may be sent: where it is, what the manifest says of it, and its
   * bytes, each read opening it again without following a link on the way ({@link OutputTree}).
   */
  public record Found(Path file, ResultFile entry, boolean complete, Resource body) {}

  @Override
  public void committed(List<StoredEvent> events) {
    ExecutorService w = worker;
    if (w == null) {
      return; // before start: the scan at start finds these jobs
    }
    boolean added = false;
    for (StoredEvent e : events) {
      // Most ends store their manifest themselves, empty (the job wrote no result file): nothing
      // to take, nor to look up.
      if (e.event().isTransition() && e.event().toStatus().isTerminal() && !e.resultsFinal()) {
        ended.add(e.event().jobId());
        added = true;
      }
    }
    if (added && draining.compareAndSet(false, true)) {
      try {
        w.execute(this::takeEnded);
      } catch (RejectedExecutionException stopping) {
        draining.set(false); // the next start's scan takes them
      }
    }
  }

  /**
   * Takes the manifests of the jobs that ended since the last time, those whose manifest is not
   * stored yet (a read may have taken one meanwhile): one look at the store for up to {@value
   * #CHECK_BATCH} of them, not one each.
   */
  private void takeEnded() {
    draining.set(false);
    List<String> ids = new ArrayList<>();
    for (String id = ended.poll(); id != null && !stopping(); id = ended.poll()) {
      ids.add(id);
      if (ids.size() == CHECK_BATCH || ended.isEmpty()) {
        takeAll(ids);
        ids.clear();
      }
    }
  }

  private void takeAll(List<String> ids) {
    Set<String> stored;
    try {
      stored = store.withManifest(ids);
    } catch (RuntimeException e) {
      log.warn("could not look for the result manifests of {} jobs: {}", ids.size(), e.toString());
      return; // the next start's scan takes them
    }
    for (String id : ids) {
      if (stopping()) {
        return; // the next start's scan takes the rest
      }
      if (!stored.contains(id)) {
        takeQuietly(id);
      }
    }
  }

  /**
   * Whether the service is stopping: its database may be going, so the worker takes no more
   * manifests (each would fail, one warning a job); the next start's scan takes them.
   */
  private boolean stopping() {
    return worker == null || Thread.currentThread().isInterrupted();
  }

  @Override
  public void start() {
    worker = Executors.newSingleThreadExecutor(DaemonThreads.named("result-manifests"));
    worker.execute(this::scan);
  }

  @Override
  public void stop() {
    ExecutorService w = worker;
    worker = null;
    if (w != null) {
      w.shutdownNow();
    }
  }

  @Override
  public boolean isRunning() {
    return worker != null;
  }

  /** Takes the manifests of ended jobs that have none. */
  private void scan() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        List<String> ids = store.endedWithoutManifest(SCAN_BATCH);
        for (String id : ids) {
          if (stopping()) {
            return;
          }
          takeQuietly(id);
        }
        if (ids.size() < SCAN_BATCH) {
          return;
        }
      }
    } catch (RuntimeException e) {
      log.warn("could not look for ended jobs without a result manifest: {}", e.toString());
    }
  }

  /**
   * Takes the manifest of an ended job its caller found without one (a read may take it meanwhile:
   * {@link #finalManifest} looks again under its lock).
   */
  private void takeQuietly(String id) {
    try {
      jobs.findSummary(id)
          .filter(j -> j.status().isTerminal() && j.resultsExpiredAt() == null)
          .ifPresent(this::finalManifest);
    } catch (RuntimeException e) {
      log.warn("could not take the result manifest of job {}: {}", id, e.toString());
    }
  }

  /**
   * The job's manifest: final once it has ended, the files as they are now before that.
   *
   * @throws ApiException 404 for a job the caller may not see, 410 {@code results_expired} when
   *     retention removed its results
   */
  public ResultManifest manifest(Caller caller, String id) {
    return manifest(readable(caller, id));
  }

  private ResultManifest manifest(Job job) {
    if (job.status().isTerminal()) {
      return finalManifest(job);
    }
    return manifestOf(job.id(), false, walk(job.id(), false));
  }

  /** The stored final manifest of an ended job, taken now if it was not yet. */
  ResultManifest finalManifest(Job job) {
    String id = job.id();
    var stored = store.find(id);
    if (stored.isPresent()) {
      return stored.get();
    }
    synchronized (locks[Math.floorMod(id.hashCode(), LOCKS)]) {
      stored = store.find(id);
      if (stored.isPresent()) {
        return stored.get();
      }
      ResultManifest taken = manifestOf(id, true, walk(id, true));
      store.save(taken);
      // As stored (times at the database's precision), so that every read answers the same;
      // nothing stored: the job was deleted meanwhile.
      return store.find(id).orElse(taken);
    }
  }

  /**
   * One file of the job's results.
   *
   * @param path the file's path in the manifest, relative with {@code /}
   * @throws ApiException 400 naming {@code path} when it is not a relative path inside the output
   *     dir, 404 when the results have no such file, 410 when retention removed them
   */
  public Found file(Caller caller, String id, String path) {
    String checked = checkPath(path);
    Job job = readable(caller, id);
    boolean complete = job.status().isTerminal();
    Optional<ResultFile> entry;
    if (complete) {
      // One row of the stored manifest, not all of them; taken first if it is not yet.
      if (!store.exists(id)) {
        finalManifest(job);
      }
      entry = store.findFile(id, checked);
    } else {
      entry = manifest(job).files().stream().filter(f -> f.path().equals(checked)).findFirst();
    }
    ResultFile found =
        entry.orElseThrow(
            () ->
                ApiException.notFound(
                    "the results of job " + id + " have no file " + checked + " (path)"));
    return new Found(inside(id, checked), found, complete, body(id, found));
  }

  /**
   * Checks the caller may read the job's results; the manifest the zip is made of.
   *
   * @throws ApiException as {@link #manifest}
   */
  public ResultManifest forZip(Caller caller, String id) {
    return manifest(readable(caller, id));
  }

  /**
   * Writes every file of {@code manifest} to {@code out} as a zip, one file after the other from
   * disk through one buffer: memory does not grow with the files. A file that is gone by now (a job
   * that is still running removed it) is left out.
   */
  public void writeZip(ResultManifest manifest, OutputStream out) throws IOException {
    ZipOutputStream zip = new ZipOutputStream(out);
    zip.setLevel(Deflater.BEST_SPEED);
    byte[] buffer = new byte[BUFFER];
    for (ResultFile f : manifest.files()) {
      InputStream in;
      try {
        // Not by path: a job still running may have swapped a directory for a link meanwhile.
        in = OutputTree.openStream(files.outputDir(manifest.jobId()), f.path());
      } catch (NoSuchFileException gone) {
        continue;
      }
      try (in) {
        ZipEntry entry = new ZipEntry(f.path());
        entry.setLastModifiedTime(FileTime.from(f.modifiedAt()));
        zip.putNextEntry(entry);
        for (int n; (n = in.read(buffer)) > 0; ) {
          zip.write(buffer, 0, n);
        }
        zip.closeEntry();
      }
    }
    zip.finish();
    zip.flush();
  }

  /** The file's bytes, opened anew for each read (a range each) the way {@link OutputTree} does. */
  private Resource body(String id, ResultFile entry) {
    Path dir = files.outputDir(id);
    String path = entry.path();
    return new AbstractResource() {
      @Override
      public String getDescription() {
        return "result " + path + " of job " + id;
      }

      @Override
      public String getFilename() {
        return path.substring(path.lastIndexOf('/') + 1);
      }

      @Override
      public boolean exists() {
        return true;
      }

      @Override
      public InputStream getInputStream() throws IOException {
        return OutputTree.openStream(dir, path);
      }

      @Override
      public long contentLength() throws IOException {
        try (SeekableByteChannel in = OutputTree.open(dir, path)) {
          return in.size();
        }
      }

      @Override
      public long lastModified() {
        return entry.modifiedAt().toEpochMilli();
      }
    };
  }

  private Job readable(Caller caller, String id) {
    Job job = reader.get(caller, id);
    if (job.resultsExpiredAt() != null) {
      throw ApiException.resultsExpired(job.id(), job.resultsExpiredAt());
    }
    return job;
  }

  /**
   * {@code path} as a manifest names files: relative, {@code /}-separated, no empty, {@code .} or
   * {@code ..} segment, no backslash or control character.
   */
  static String checkPath(String path) {
    if (path == null || path.isEmpty()) {
      throw ApiException.invalid("path", "is empty: name a file of the job's results manifest");
    }
    if (path.length() > MAX_PATH) {
      throw ApiException.invalid("path", "is longer than " + MAX_PATH + " characters");
    }
    if (path.startsWith("/")) {
      throw ApiException.invalid(
          "path",
          "must be relative to the job's output dir, as the manifest lists it, not absolute");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && c < 0xa0)) {
        throw ApiException.invalid(
            "path", "must not contain a backslash or a control character (at index " + i + ")");
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw ApiException.invalid(
            "path",
            "must not have an empty, '.' or '..' segment: it names a file inside the job's output"
                + " dir, as the manifest lists it");
      }
    }
    return path;
  }

  /** The file at {@code path} under the job's output dir, refused if its real path leaves it. */
  private Path inside(String id, String path) {
    Path dir = files.outputDir(id);
    Path file = dir.resolve(path).normalize();
    try {
      Path realDir = dir.toRealPath();
      Path real = file.toRealPath();
      if (!real.startsWith(realDir)) {
        throw ApiException.invalid(
            "path", "leads outside the job's output dir (through a symbolic link)");
      }
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw ApiException.invalid("path", "is not a regular file of the job's output dir");
      }
      return real;
    } catch (NoSuchFileException gone) {
      throw ApiException.notFound(
          "the results of job " + id + " list " + path + ", but the file is gone (path)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The regular files under the job's output dir, by path; hashed when {@code hash}. No link is
   * followed, not even a directory swapped for one while the walk goes on ({@link OutputTree}); a
   * name that {@link #checkPath} would refuse (a backslash, a control character) is not a result,
   * since no request could name it and it would reach terminals and file systems as it is.
   */
  private List<ResultFile> walk(String id, boolean hash) {
    Path dir = files.outputDir(id);
    List<ResultFile> found = new ArrayList<>();
    byte[] buffer = hash ? new byte[BUFFER] : null;
    try {
      OutputTree.walk(
          dir,
          ResultManifests::acceptable,
          (path, attrs) -> {
            long size = attrs.size();
            String sha = null;
            if (hash) {
              try {
                long[] counted = new long[1];
                sha = sha256(dir, path, buffer, counted);
                size = counted[0];
              } catch (NoSuchFileException gone) {
                return;
              }
            }
            found.add(
                new ResultFile(
                    path,
                    size,
                    sha,
                    attrs.lastModifiedTime().toInstant(),
                    mediaType(path.substring(path.lastIndexOf('/') + 1))));
          });
    } catch (NoSuchFileException gone) {
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    found.sort(Comparator.comparing(ResultFile::path));
    return found;
  }

  /** Whether a path found under the output dir can be a result: {@link #checkPath} accepts it. */
  private static boolean acceptable(String path) {
    if (path.length() > MAX_PATH) {
      return false;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && c < 0xa0)) {
        return false;
      }
    }
    return true;
  }

  static String mediaType(String name) {
    return MediaTypeFactory.getMediaType(name)
        .orElse(MediaType.APPLICATION_OCTET_STREAM)
        .toString();
  }

  private static String sha256(Path dir, String path, byte[] buffer, long[] size)
      throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    try (SeekableByteChannel in = OutputTree.open(dir, path)) {
      ByteBuffer wrapped = ByteBuffer.wrap(buffer);
      long total = 0;
      for (int n; (n = in.read(wrapped.clear())) >= 0; ) {
        sha.update(buffer, 0, n);
        total += n;
      }
      size[0] = total;
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private ResultManifest manifestOf(String id, boolean complete, List<ResultFile> list) {
    long total = 0;
    for (ResultFile f : list) {
      total += f.sizeBytes();
    }
    return new ResultManifest(id, complete, clock.instant(), list.size(), total, list);
  }
}
