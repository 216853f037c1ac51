package dev.jobkit.server.jobs;

import dev.jobkit.sdk.jobs.Accessibility;
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
import dev.jobkit.server.store.JobQuery;
import dev.jobkit.server.store.JobRow;
import dev.jobkit.server.store.JobStore;
import java.util.List;
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

  public LogTail logTail(Caller caller, String id, int pod, int tailChars) {
    Job job = visible(caller, id);
    checkPod(job, pod);
    if (tailChars < 1 || tailChars > MAX_TAIL_CHARS) {
      throw ApiException.invalid(
          "tail_chars", "must be from 1 to " + MAX_TAIL_CHARS + ", not " + tailChars);
    }
    Chunk chunk = dev.jobkit.server.exec.LogTail.read(files.log(id, pod), tailChars);
    return new LogTail(id, pod, chunk.text(), chunk.sizeBytes(), chunk.truncated());
  }

  /** Checks the caller may read the job's log of {@code pod}; the job as it is now. */
  public Job logReadable(Caller caller, String id, int pod) {
    Job job = visible(caller, id);
    checkPod(job, pod);
    return job;
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
