package dev.jobkit.server.jobs;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.Attempt;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobPage;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.engine.Capacity;
import dev.jobkit.server.engine.JobReports;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.exec.LogTail.Chunk;
import dev.jobkit.server.store.JobFilter;
import dev.jobkit.server.store.JobQuery;
import dev.jobkit.server.store.JobRow;
import dev.jobkit.server.store.JobStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Service;

/**
 * The reads of the API: a job, a page of jobs (with the cursors it hands out), a job's events and
 * the tail of a pod's log, each limited to what the caller may see. A job is shown as users see it:
 * live progress while it runs, and why it waits while it is queued.
 */
@Service
public class JobReader {

  /** Default and largest log tail, in characters. */
  public static final int MAX_TAIL_CHARS = 20_000;

  private static final String CURSOR_PREFIX = "c1:";

  private final JobStore store;
  private final Capacity capacity;
  private final JobReports reports;
  private final JobFiles files;
  private final AtomicLong highestCursor = new AtomicLong();

  JobReader(JobStore store, Capacity capacity, JobReports reports, JobFiles files) {
    this.store = store;
    this.capacity = capacity;
    this.reports = reports;
    this.files = files;
  }

  public Job get(Caller caller, String id) {
    return present(visible(caller, id));
  }

  /** The job as stored, if the caller may see it; else 404, as if it did not exist. */
  Job visible(Caller caller, String id) {
    return store.find(id).filter(caller::canSee).orElseThrow(() -> ApiException.jobNotFound(id));
  }

  /** The job as users see it: live progress while it runs, and why it waits if it is queued. */
  Job present(Job job) {
    Job live = reports.live(job);
    if (live.status() == JobStatus.QUEUED && live.statusReason() == null
        || live.status() == JobStatus.QUEUED
            && "all parents succeeded".equals(live.statusReason())) {
      return JobRow.withStatusReason(live, capacity.queuedReason(live.owner(), live.podCount()));
    }
    return live;
  }

  public JobPage list(JobQuery query) {
    JobStore.Page page = store.list(query);
    String cursor = null;
    if (page.more()) {
      cursor = encodeCursor(page.lastSeq());
      highestCursor.accumulateAndGet(page.lastSeq(), Math::max);
    }
    return new JobPage(page.items().stream().map(this::present).toList(), cursor);
  }

  /** Takes one page of an export; may fail writing it. */
  @FunctionalInterface
  public interface PageSink {
    /**
     * Takes the next page.
     *
     * @param jobs the page's jobs, newest first, as the list shows them
     */
    void accept(List<Job> jobs) throws java.io.IOException;
  }

  /**
   * Every job of {@code filter} that the caller may see, newest first, as the list shows them,
   * handed to {@code sink} a page of {@code pageSize} at a time: keyset pages (below the last
   * page's position), so memory holds one page whatever the number of jobs. Jobs submitted after
   * the first page was read come after every page and are not included.
   */
  public void forEachPage(Caller caller, JobFilter filter, int pageSize, PageSink sink)
      throws java.io.IOException {
    Long before = null;
    while (true) {
      JobStore.Page page =
          store.list(filter.query(caller.name(), caller.isAdmin(), before, pageSize));
      if (!page.items().isEmpty()) {
        sink.accept(page.items().stream().map(this::present).toList());
      }
      if (!page.more()) {
        return;
      }
      before = page.lastSeq();
    }
  }

  static String encodeCursor(long seq) {
    return PositionTokens.encode(CURSOR_PREFIX, seq);
  }

  /**
   * The list position a cursor stands for; empty if it is not a cursor this service issued: not in
   * the form it writes ({@code c1:+5} or a full-width digit are not), or past every position it can
   * have issued (above the newest job, and above every cursor handed out since the start, which
   * still stand when the jobs after them were deleted).
   */
  public OptionalLong cursorPosition(String cursor) {
    OptionalLong seq = decodeCursor(cursor);
    if (seq.isPresent()
        && seq.getAsLong() > highestCursor.get()
        && seq.getAsLong() > store.highestSeq()) {
      return OptionalLong.empty();
    }
    return seq;
  }

  /** The sequence number of a cursor in the canonical form {@link #encodeCursor} writes. */
  static OptionalLong decodeCursor(String cursor) {
    OptionalLong seq = PositionTokens.decode(CURSOR_PREFIX, cursor);
    return seq.isPresent() && seq.getAsLong() > 0 ? seq : OptionalLong.empty();
  }

  /**
   * The tail of a pod's log, or with {@code attempt} of that attempt's part of it.
   *
   * @param attempt the attempt whose part to read, or null for the whole log
   */
  public LogTail logTail(Caller caller, String id, int pod, int tailChars, Integer attempt) {
    Job job = visible(caller, id);
    checkLogsKept(job);
    checkPod(job, pod);
    if (tailChars < 1 || tailChars > MAX_TAIL_CHARS) {
      throw ApiException.invalid(
          "tail_chars", "must be from 1 to " + MAX_TAIL_CHARS + ", not " + tailChars);
    }
    if (attempt == null) {
      Chunk chunk = dev.jobkit.server.exec.LogTail.read(files.log(id, pod), tailChars);
      return new LogTail(id, pod, chunk.text(), chunk.sizeBytes(), chunk.truncated(), null);
    }
    AttemptPart part = attemptPart(job, pod, attempt);
    Chunk chunk =
        dev.jobkit.server.exec.LogTail.read(
            files.log(id, pod),
            part.start(),
            part.ended() ? part.end() : Long.MAX_VALUE,
            tailChars);
    return new LogTail(id, pod, chunk.text(), chunk.sizeBytes(), chunk.truncated(), attempt);
  }

  /**
   * One attempt's part of a pod's log: its bytes from {@code start} to {@code end}. Every attempt
   * appends to the same file, and where each starts is recorded when it is claimed, before it
   * writes its first line; its part ends where the next one starts, or, for the last attempt, at
   * the end of the file once the attempt has ended.
   *
   * @param attempt the attempt's number, from 1
   * @param start the byte its part starts at
   * @param end the byte its part ends at; -1 while the attempt may still write to it
   * @param outcome how the attempt ended ({@code SUCCEEDED}, {@code RUN_ERROR}, {@code
   *     RUN_TIMEOUT}, {@code CANCELED}); null while {@code end} is not known
   */
  public record AttemptPart(int attempt, long start, long end, JobStatus outcome) {

    /** Whether the attempt has ended, so its part grows no more. */
    public boolean ended() {
      return end >= 0;
    }
  }

  /**
   * {@code attempt}'s part of pod {@code pod}'s log of {@code job} (which the caller may see).
   *
   * @throws ApiException 400 naming {@code attempt} when the job has no such attempt, 409 when the
   *     attempt ran before the service recorded where attempts start in the log
   */
  public AttemptPart attemptPart(Job job, int pod, int attempt) {
    if (attempt < 1) {
      throw ApiException.invalid("attempt", "must be 1 or more, not " + attempt);
    }
    if (job.attempt() == 0) {
      throw ApiException.invalid(
          "attempt",
          "job " + job.id() + " has not started an attempt yet, so it has no attempt " + attempt);
    }
    if (attempt > job.attempt()) {
      throw ApiException.invalid(
          "attempt",
          "job "
              + job.id()
              + (job.attempt() == 1
                  ? " has had 1 attempt, so attempt must be 1"
                  : " has had "
                      + job.attempt()
                      + " attempts, so attempt must be from 1 to "
                      + job.attempt())
              + ", not "
              + attempt);
    }
    return part(job, pod, attempt);
  }

  /**
   * {@code attempt}'s part of the pod's log as it is now (whose attempt {@link #attemptPart} has
   * checked); empty once the job is deleted.
   */
  public Optional<AttemptPart> attemptPart(String jobId, int pod, int attempt) {
    return store.find(jobId).map(job -> part(job, pod, attempt));
  }

  private AttemptPart part(Job job, int pod, int attempt) {
    Map<Integer, Long> starts = store.logStarts(job.id(), pod);
    Long start = starts.get(attempt);
    if (start == null && attempt == 1) {
      start = 0L; // the first attempt starts the log, recorded or not
    }
    if (start == null) {
      throw unknownPart(job, pod, attempt);
    }
    JobStatus outcome =
        job.attempts().stream()
            .filter(a -> a.number() == attempt)
            .map(Attempt::outcome)
            .filter(o -> o != null)
            .findFirst()
            .orElse(job.status().isTerminal() ? job.status() : null);
    Long next = starts.get(attempt + 1);
    if (next != null) {
      return new AttemptPart(attempt, start, next, outcome);
    }
    if (attempt < job.attempt()) {
      throw unknownPart(job, pod, attempt);
    }
    if (outcome == null) {
      return new AttemptPart(attempt, start, -1, null); // it runs: its part grows
    }
    // It has ended and its log is closed; the file grows again only once the next attempt is
    // claimed, which records its start first: read after the size, that start is where this
    // attempt's part ends if it is there by now.
    long size = files.logSize(job.id(), pod);
    next = store.logStarts(job.id(), pod).get(attempt + 1);
    return new AttemptPart(attempt, start, next != null ? next : Math.max(size, start), outcome);
  }

  private static ApiException unknownPart(Job job, int pod, int attempt) {
    return ApiException.conflict(
        "attempt "
            + attempt
            + " of job "
            + job.id()
            + " cannot be told apart in pod "
            + pod
            + "'s log: the job ran it before the service recorded where each attempt's output"
            + " starts. Read the whole log (without attempt): attempts after the first begin"
            + " with a line '[jobkit] attempt N of M started at …'");
  }

  /** Checks the caller may read the job's log of {@code pod}; the job as it is now. */
  public Job logReadable(Caller caller, String id, int pod) {
    Job job = visible(caller, id);
    checkLogsKept(job);
    checkPod(job, pod);
    return job;
  }

  /** A job whose logs retention removed answers 410 {@code results_expired}, not an empty log. */
  private static void checkLogsKept(Job job) {
    if (job.resultsExpiredAt() != null) {
      throw ApiException.resultsExpired(job.id(), job.resultsExpiredAt());
    }
  }

  private static void checkPod(Job job, int pod) {
    if (pod < 0 || pod >= job.podCount()) {
      throw ApiException.invalid(
          "pod", "job " + job.id() + " has pods 0 to " + (job.podCount() - 1) + ", not " + pod);
    }
  }

  public List<JobEvent> events(Caller caller, String id) {
    visible(caller, id);
    return store.events(id);
  }

  /** Whether the caller may see events of a job with this owner and accessibility. */
  public static boolean canSee(Caller caller, String owner, Accessibility accessibility) {
    return caller.isAdmin() || caller.name().equals(owner) || accessibility == Accessibility.PUBLIC;
  }

  /** The current status of a job, or empty once it is deleted. */
  public Optional<JobStatus> status(String id) {
    return Optional.ofNullable(store.statuses(List.of(id)).get(id));
  }
}
