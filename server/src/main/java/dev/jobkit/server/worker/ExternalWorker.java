package dev.jobkit.server.worker;

import dev.jobkit.sdk.AuthenticationException;
import dev.jobkit.sdk.ForbiddenException;
import dev.jobkit.sdk.InvalidStateException;
import dev.jobkit.sdk.JobkitApiException;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.NotClaimOwnerException;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.WorkerExpiredException;
import dev.jobkit.sdk.WorkerProtocol;
import dev.jobkit.sdk.jobs.Progress;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.workers.ClaimedJob;
import dev.jobkit.sdk.workers.ErrorKind;
import dev.jobkit.sdk.workers.HeartbeatAnswer;
import dev.jobkit.sdk.workers.JobReport;
import dev.jobkit.sdk.workers.ReportedProgress;
import dev.jobkit.sdk.workers.Worker;
import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.exec.JobExecutor;
import dev.jobkit.server.exec.JobExecutor.AttemptEnd;
import dev.jobkit.server.exec.JobExecutor.LaunchFailedException;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.exec.ReportFiles;
import dev.jobkit.server.exec.StandaloneExecutor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An external worker: registers with a service, sends heartbeats, claims as many jobs as it has
 * free slots (a job of {@code pod_count} N takes N), runs them with the service's own executor code
 * and reports back through the worker protocol, until {@link #stop()}.
 *
 * <p>What it guarantees: every byte a pod writes reaches the service's log, in order (each pod's
 * log is shipped from the offset the service last confirmed, so a failed call is resent as it was);
 * every regular file under the job's output dir is uploaded before the end is reported; a job
 * stopped by its owner is terminated at the next heartbeat; a job past its {@code timeout_seconds}
 * is terminated and reported as {@code timeout}. When the service says the worker expired (410), it
 * kills what it runs, reports nothing of it (the service has ended those attempts) and registers
 * anew. When the service cannot be reached, it keeps its jobs running and tries again with backoff.
 *
 * <p>Over 400 lines because it follows a claimed job from the claim to its reported end, and the
 * order of those steps (ship the log, upload, then report) is the point; the job's own state is in
 * {@link RunningJob}, the log shipping in {@link PodLog}.
 */
public final class ExternalWorker {

  private static final Logger log = LoggerFactory.getLogger(ExternalWorker.class);

  /** How often the worker looks for jobs when it has free slots. */
  static final Duration POLL = Duration.ofMillis(500);

  /** How often logs are shipped while jobs run. */
  static final Duration SHIP_EVERY = Duration.ofMillis(250);

  /** The longest wait between two tries when the service does not answer. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private final WorkerOptions options;
  private final JobkitClient client;
  private final WorkerProtocol api;
  private final StandaloneExecutor local;
  private final JobExecutor executor;
  private final JobFiles files;
  private final Map<String, RunningJob> jobs = new ConcurrentHashMap<>();
  private final Deque<RunningJob> waiting = new ArrayDeque<>();
  private final ScheduledExecutorService timers =
      Executors.newScheduledThreadPool(2, DaemonThreads.named("jobkit-worker-timer"));
  private final ExecutorService enders =
      Executors.newCachedThreadPool(DaemonThreads.named("jobkit-worker-end"));
  private final CountDownLatch stopped = new CountDownLatch(1);
  private int usedSlots;
  private volatile String workerId;
  private volatile Duration heartbeatEvery = Duration.ofSeconds(10);
  private volatile long nextHeartbeat;
  private volatile boolean stopping;
  private volatile boolean expired;
  private volatile Thread loop;

  /** A worker of {@code options}, not started yet: {@link #run()} starts it. */
  ExternalWorker(WorkerOptions options) {
    this.options = options;
    this.client =
        JobkitClient.builder()
            .baseUrl(options.url())
            .apiKey(options.key())
            .userAgentSuffix("jobkit-worker")
            .build();
    this.api = client.internal();
    this.local = StandaloneExecutor.start(options.properties(), options.url());
    this.executor = local.executor();
    this.files = local.files();
  }

  /**
   * {@code jobkit worker …}: runs a worker until SIGTERM or Ctrl-C, then deregisters it.
   *
   * @return the exit code: 1 when it cannot work (a refused key), 2 for bad options; after a stop
   *     by a signal the JVM exits with the signal's status (143 for SIGTERM)
   */
  public static int main(String[] args) {
    logAtInfo();
    WorkerOptions options;
    try {
      if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
        System.out.println(WorkerOptions.USAGE);
        return 0;
      }
      options = WorkerOptions.parse(args, System.getenv());
    } catch (WorkerOptions.UsageException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(WorkerOptions.USAGE);
      return 2;
    }
    ExternalWorker worker;
    try {
      worker = new ExternalWorker(options);
    } catch (RuntimeException e) {
      System.err.println("error: the worker cannot start: " + e.getMessage());
      return 1;
    }
    Thread hook = new Thread(worker::stop, "jobkit-worker-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      worker.run();
      return 0;
    } catch (AuthenticationException | ForbiddenException refused) {
      System.err.println("error: the service refused the worker's key: " + refused.getMessage());
      return 1;
    } finally {
      worker.stop();
    }
  }

  /**
   * Logs at INFO: without the service's Spring Boot start, logback would log everything at DEBUG.
   */
  private static void logAtInfo() {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.INFO);
    }
  }

  /**
   * Works until {@link #stop()}: registers, then sends heartbeats and claims and runs jobs.
   *
   * @throws AuthenticationException if the service does not know the key
   * @throws ForbiddenException if the key is not a worker's (or an admin's)
   */
  void run() {
    loop = Thread.currentThread();
    // On a thread of its own: a slow start or a long wait in the loop must not let claims lapse.
    timers.scheduleWithFixedDelay(this::heartbeatWhenDue, 100, 100, TimeUnit.MILLISECONDS);
    int failures = 0;
    try {
      while (!stopping) {
        try {
          if (workerId == null) {
            register();
          }
          if (expired) {
            throw new WorkerExpiredException(410, null, null);
          }
          startWaiting();
          claim();
          failures = 0;
          sleep(POLL);
        } catch (WorkerExpiredException e) {
          lostClaims();
        } catch (AuthenticationException | ForbiddenException refused) {
          if (workerId == null) {
            throw refused; // the key cannot register at all: nothing will change that
          }
          log.error("the service refused a call of the worker: {}", refused.getMessage());
          sleep(backoff(failures++));
        } catch (JobkitException e) {
          log.warn("the service did not answer as it should, trying again: {}", e.getMessage());
          sleep(backoff(failures++));
        } catch (RuntimeException e) {
          // A bug or a local failure (a full disk): the loop must go on, or the worker would send
          // heartbeats for jobs it no longer looks after.
          log.error("the worker's loop failed, going on", e);
          sleep(backoff(failures++));
        }
      }
    } finally {
      stopped.countDown();
    }
  }

  /** The worker's id once registered, else null. */
  String workerId() {
    return workerId;
  }

  private void register() {
    Worker me =
        api.register(options.name(), options.slots(), options.apps(), WorkerOptions.hostName());
    heartbeatEvery = max(me.heartbeatInterval(), Duration.ofMillis(100));
    nextHeartbeat = System.nanoTime() + heartbeatEvery.toNanos();
    workerId = me.id();
    expired = false; // after the new id: a heartbeat in between must not use the old one
    log.info(
        "registered as {} ({} slots, apps {}) with {}; heartbeat every {} ms",
        me.id(),
        options.slots(),
        options.apps().isEmpty() ? "any" : options.apps(),
        options.url(),
        heartbeatEvery.toMillis());
  }

  private void heartbeatWhenDue() {
    // Also while stopping: the jobs' ends are still to be reported under the claims.
    if (workerId == null || expired || System.nanoTime() < nextHeartbeat) {
      return;
    }
    try {
      heartbeat();
    } catch (WorkerExpiredException e) {
      expired = true;
    } catch (JobkitException e) {
      log.warn("a heartbeat failed, trying again: {}", e.getMessage());
      nextHeartbeat = System.nanoTime() + Duration.ofMillis(500).toNanos();
    } catch (RuntimeException e) {
      log.error("a heartbeat failed", e);
      nextHeartbeat = System.nanoTime() + Duration.ofMillis(500).toNanos();
    }
  }

  private void heartbeat() {
    List<JobReport> reports = new ArrayList<>();
    String id = workerId;
    // Every job it holds, running or waiting for slots: the service learns what the worker has.
    for (RunningJob job : jobs.values()) {
      if (job.workerId.equals(id) && !job.ending) {
        reports.add(report(job.claimed.jobId()));
      }
    }
    HeartbeatAnswer answer;
    try {
      answer = api.heartbeat(id, reports);
    } catch (ValidationException refused) {
      // A report the service cannot take must not let the claims lapse: renew them without it.
      log.warn(
          "the service refused the jobs' reports, renewing without them: {}", refused.getMessage());
      answer = api.heartbeat(id, List.of());
    }
    nextHeartbeat = System.nanoTime() + heartbeatEvery.toNanos();
    for (String jobId : answer.cancel()) {
      RunningJob job = jobs.get(jobId);
      if (job != null) {
        cancel(job);
      }
    }
  }

  private JobReport report(String jobId) {
    Progress progress = ReportFiles.progress(files.progressFile(jobId));
    return new JobReport(
        jobId,
        progress == null ? null : new ReportedProgress(progress.percent(), progress.message()),
        ReportFiles.metrics(files.metricsFile(jobId)));
  }

  /** Claims as many jobs as there are free slots, unless a claimed one still waits for slots. */
  private void claim() {
    int free;
    synchronized (this) {
      if (!waiting.isEmpty()) {
        return;
      }
      free = options.slots() - usedSlots;
    }
    if (free < 1 || stopping) {
      return;
    }
    List<ClaimedJob> claimed = api.claim(workerId, Math.min(free, 100), options.apps());
    for (ClaimedJob job : claimed) {
      accept(job);
    }
  }

  /** Acknowledges a claimed job and starts it, or queues it until it has slots. */
  private void accept(ClaimedJob claimed) {
    RunningJob job = new RunningJob(claimed, workerId);
    jobs.put(claimed.jobId(), job);
    try {
      // Again after a lost answer: a second acknowledgement of a claimed job only notes it again.
      reliably(
          job,
          () -> {
            api.acknowledge(claimed.jobId(), job.workerId);
            return null;
          },
          null);
    } catch (JobMovedOn gone) {
      log.info(
          "job {} moved on before it was acknowledged: {}", claimed.jobId(), gone.getMessage());
      jobs.remove(claimed.jobId(), job);
      return;
    }
    if (claimed.podCount() > options.slots()) {
      reportEnd(
          job,
          () ->
              api.fail(
                  claimed.jobId(),
                  job.workerId,
                  ErrorKind.RESOURCE,
                  "the job needs "
                      + claimed.podCount()
                      + " slots and this worker has "
                      + options.slots(),
                  null,
                  null));
      return;
    }
    synchronized (this) {
      waiting.addLast(job);
    }
    startWaiting();
  }

  /** Starts the claimed jobs that wait, in claim order, while their pods fit the free slots. */
  private void startWaiting() {
    while (true) {
      RunningJob job;
      synchronized (this) {
        job = waiting.peekFirst();
        if (job == null || usedSlots + job.claimed.podCount() > options.slots()) {
          return;
        }
        waiting.pollFirst();
        usedSlots += job.claimed.podCount();
        job.holdsSlots = true;
      }
      start(job);
    }
  }

  private void start(RunningJob job) {
    ClaimedJob claimed = job.claimed;
    if (job.canceled || stopping) {
      // Stopped before it ran: the service has ended it already.
      cleanUp(job);
      return;
    }
    files.purge(claimed.jobId()); // what an earlier attempt here left: this one's log starts at 0
    try {
      job.started =
          executor.start(
              new JobExecutor.Launch(
                  claimed.jobId(),
                  claimed.attempt(),
                  claimed.maxAttempts(),
                  claimed.command(),
                  claimed.shell(),
                  claimed.env(),
                  claimed.podCount(),
                  claimed.token()));
    } catch (LaunchFailedException e) {
      reportEnd(
          job,
          () ->
              api.fail(
                  claimed.jobId(), job.workerId, ErrorKind.VALIDATION, e.getMessage(), null, null));
      return;
    }
    for (int pod = 0; pod < claimed.podCount(); pod++) {
      long offset =
          claimed.logOffsets().size() == claimed.podCount() ? claimed.logOffsets().get(pod) : -1;
      job.logs.add(
          new PodLog(claimed.jobId(), job.workerId, pod, files.log(claimed.jobId(), pod), offset));
    }
    try {
      reliably(
          job,
          () -> {
            api.transition(
                claimed.jobId(), job.workerId, JobStatus.RUNNING, null, job.started.pids());
            return null;
          },
          JobStatus.RUNNING);
    } catch (JobMovedOn moved) {
      // Stopped meanwhile (or the claims lost): its pods end now.
      job.canceled = true;
      executor.terminate(claimed.jobId(), false);
    } catch (RuntimeException e) {
      log.error("job {}: the service refused its start", claimed.jobId(), e);
      job.systemError = "the service refused the job's start: " + e.getMessage();
      executor.terminate(claimed.jobId(), true);
    }
    if (claimed.timeoutSeconds() != null && claimed.timeoutSeconds() > 0) {
      job.timeout =
          timers.schedule(
              () -> {
                job.timedOut = true;
                executor.terminate(claimed.jobId(), false);
              },
              claimed.timeoutSeconds(),
              TimeUnit.SECONDS);
    }
    job.shipper =
        timers.scheduleWithFixedDelay(
            () -> shipQuietly(job),
            SHIP_EVERY.toMillis(),
            SHIP_EVERY.toMillis(),
            TimeUnit.MILLISECONDS);
    job.started.watch(end -> enders.execute(() -> ended(job, end)));
    log.info(
        "job {} attempt {} runs: pids {}", claimed.jobId(), claimed.attempt(), job.started.pids());
  }

  private void cancel(RunningJob job) {
    job.canceled = true;
    if (job.started != null) {
      log.info("job {} was stopped by its owner: terminating it", job.claimed.jobId());
      executor.terminate(job.claimed.jobId(), false);
    }
  }

  /** Ships what the pods wrote since the last time; a failure is tried again next time. */
  private void shipQuietly(RunningJob job) {
    try {
      job.ship(api, false);
    } catch (WorkerExpiredException e) {
      expired = true;
    } catch (JobkitException | java.io.UncheckedIOException e) {
      log.debug(
          "shipping the log of job {} failed, trying again: {}",
          job.claimed.jobId(),
          e.getMessage());
    }
  }

  /** The attempt's processes are all gone: ship the rest, upload the results, report the end. */
  private void ended(RunningJob job, AttemptEnd end) {
    job.ending = true;
    ClaimedJob claimed = job.claimed;
    if (job.timeout != null) {
      job.timeout.cancel(false);
    }
    if (job.shipper != null) {
      job.shipper.cancel(false);
    }
    if (job.abandoned) {
      cleanUp(job);
      return;
    }
    try {
      reliably(job, () -> job.ship(api, true), null);
      for (Map.Entry<String, java.nio.file.Path> file :
          OutputFiles.under(files.outputDir(claimed.jobId())).entrySet()) {
        reliably(
            job,
            () -> {
              api.putResult(claimed.jobId(), job.workerId, file.getKey(), file.getValue());
              return null;
            },
            null);
      }
      JobReport last = report(claimed.jobId());
      if (last.progress() != null || !last.metrics().isEmpty()) {
        try {
          reliably(job, () -> api.heartbeat(job.workerId, List.of(last)), null);
        } catch (ValidationException refused) {
          log.warn(
              "the service refused the last report of job {}: {}",
              claimed.jobId(),
              refused.getMessage());
        }
      }
    } catch (JobMovedOn moved) {
      cleanUp(job);
      return;
    } catch (RuntimeException e) {
      log.error("could not ship the log or results of job {}", claimed.jobId(), e);
      finish(
          job,
          () ->
              api.fail(
                  claimed.jobId(),
                  job.workerId,
                  ErrorKind.SYSTEM,
                  "the worker could not send the job's log or results: " + e.getMessage(),
                  null,
                  null));
      return;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("exit_codes", end.exitCodes());
    details.put("worker", options.name());
    if (job.systemError != null) {
      finish(
          job,
          () ->
              api.fail(
                  claimed.jobId(), job.workerId, ErrorKind.SYSTEM, job.systemError, details, null));
    } else if (job.stoppedByWorker && !job.canceled) {
      finish(
          job,
          () ->
              api.fail(
                  claimed.jobId(),
                  job.workerId,
                  ErrorKind.SYSTEM,
                  "the worker " + options.name() + " was stopped while the job ran",
                  details,
                  null));
    } else if (job.timedOut && !job.canceled) {
      finish(
          job,
          () ->
              api.fail(
                  claimed.jobId(),
                  job.workerId,
                  ErrorKind.TIMEOUT,
                  "the attempt ran past its timeout of " + claimed.timeoutSeconds() + " s",
                  details,
                  null));
    } else if (job.canceled || end.exitCode() == 0) {
      finish(
          job,
          () ->
              api.complete(
                  claimed.jobId(), job.workerId, end.exitCodes(), null, last(claimed.jobId())));
    } else {
      int pod = end.failedPod() >= 0 ? end.failedPod() : firstNonZero(end.exitCodes());
      finish(
          job,
          () ->
              api.fail(
                  claimed.jobId(),
                  job.workerId,
                  ErrorKind.USER,
                  "pod " + pod + " exited with code " + end.exitCode(),
                  details,
                  end.exitCode()));
    }
  }

  private Map<String, Double> last(String jobId) {
    Map<String, Double> metrics = ReportFiles.metrics(files.metricsFile(jobId));
    return metrics.isEmpty() ? null : metrics;
  }

  private static int firstNonZero(List<Integer> codes) {
    for (int i = 0; i < codes.size(); i++) {
      if (codes.get(i) != 0) {
        return i;
      }
    }
    return 0;
  }

  /** {@link #finish} on a thread of its own; the job counts as ending from now on. */
  private void reportEnd(RunningJob job, Runnable report) {
    job.ending = true;
    enders.execute(() -> finish(job, report));
  }

  /** Reports the end with {@code report}, tried until it lands or the job moved on; cleans up. */
  private void finish(RunningJob job, Runnable report) {
    try {
      reliably(
          job,
          () -> {
            report.run();
            return null;
          },
          null);
      log.info("job {} attempt {}: end reported", job.claimed.jobId(), job.claimed.attempt());
    } catch (JobMovedOn moved) {
      log.info(
          "job {} moved on before its end was reported: {}",
          job.claimed.jobId(),
          moved.getMessage());
    } catch (RuntimeException e) {
      log.error("could not report the end of job {}", job.claimed.jobId(), e);
    } finally {
      cleanUp(job);
    }
  }

  /** The job is done with here: its slots are free and its files gone. */
  private void cleanUp(RunningJob job) {
    synchronized (this) {
      waiting.remove(job);
      if (job.holdsSlots) {
        usedSlots -= job.claimed.podCount();
        job.holdsSlots = false;
      }
    }
    jobs.remove(job.claimed.jobId(), job);
    try {
      files.purge(job.claimed.jobId());
    } catch (RuntimeException e) {
      log.warn("could not remove the files of job {}: {}", job.claimed.jobId(), e.toString());
    }
    job.done();
  }

  /** Thrown by {@link #reliably} when the job is no longer this worker's to report. */
  private static final class JobMovedOn extends RuntimeException {
    JobMovedOn(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Runs {@code call} until it lands: again after a failure to reach the service (with backoff), as
   * long as the worker has not lost its claims. A refusal that says the job moved on (stopped,
   * another worker's, expired) is {@link JobMovedOn}, except a 409 whose state shows the call had
   * landed before its answer was lost ({@code landedAs}).
   */
  private <T> T reliably(RunningJob job, Supplier<T> call, JobStatus landedAs) {
    int failures = 0;
    while (true) {
      if (job.abandoned || expired) {
        throw new JobMovedOn("the worker lost its claims");
      }
      try {
        return call.get();
      } catch (InvalidStateException e) {
        if (landedAs != null && e.problem() != null && e.problem().currentStatus() == landedAs) {
          return null;
        }
        throw new JobMovedOn(e.getMessage());
      } catch (NotClaimOwnerException | NotFoundException e) {
        throw new JobMovedOn(e.getMessage());
      } catch (WorkerExpiredException e) {
        expired = true;
        throw new JobMovedOn(e.getMessage());
      } catch (JobkitApiException e) {
        if (e.status() < 500 && e.status() != 429) {
          throw e;
        }
        log.warn(
            "job {}: the service failed, trying again: {}", job.claimed.jobId(), e.getMessage());
      } catch (JobkitException e) {
        log.warn(
            "job {}: the service is unreachable, trying again: {}",
            job.claimed.jobId(),
            e.getMessage());
      }
      sleep(backoff(failures++));
      if (stopping && System.nanoTime() > stopDeadline) {
        throw new JobMovedOn("the worker is stopping and the service does not answer");
      }
    }
  }

  /**
   * The service ended this worker's claims: kill every pod at once, report none of them (the
   * service has ended their attempts), and register anew on the next turn of the loop.
   */
  private void lostClaims() {
    log.warn("the service says worker {} expired: killing its jobs and registering anew", workerId);
    expired = true;
    List<RunningJob> all = new ArrayList<>(jobs.values());
    for (RunningJob job : all) {
      job.abandoned = true;
      if (job.started != null) {
        executor.terminate(job.claimed.jobId(), true);
      } else {
        cleanUp(job);
      }
    }
    for (RunningJob job : all) {
      job.awaitDone(Duration.ofSeconds(30));
    }
    workerId = null;
  }

  private volatile long stopDeadline = Long.MAX_VALUE;

  /**
   * Stops the worker: claims nothing more, terminates every pod and reports each job failed ({@code
   * system}), then deregisters. Waits for all that (the pods' grace period and the reports, at most
   * a minute). Calling it twice does nothing more.
   */
  void stop() {
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
    }
    stopDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Thread running = loop;
    if (running != null) {
      running.interrupt();
    }
    List<RunningJob> all = new ArrayList<>(jobs.values());
    for (RunningJob job : all) {
      job.stoppedByWorker = true;
      if (job.ending) {
        continue; // its end is being reported already
      }
      if (job.started != null) {
        executor.terminate(job.claimed.jobId(), false);
      } else {
        reportEnd(
            job,
            () ->
                api.fail(
                    job.claimed.jobId(),
                    job.workerId,
                    ErrorKind.SYSTEM,
                    "the worker " + options.name() + " was stopped before the job started",
                    null,
                    null));
      }
    }
    for (RunningJob job : all) {
      job.awaitDone(Duration.ofSeconds(60));
    }
    try {
      if (running != null) {
        stopped.await(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String id = workerId;
    if (id != null && !expired) {
      try {
        api.deregister(id);
        log.info("deregistered {}", id);
      } catch (JobkitException e) {
        log.warn("could not deregister {}: {}", id, e.getMessage());
      }
    }
    local.shutdown();
    timers.shutdownNow();
    enders.shutdownNow();
    client.close();
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Duration backoff(int failures) {
    long millis = Math.min(MAX_BACKOFF.toMillis(), 250L << Math.min(failures, 10));
    return Duration.ofMillis(millis);
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
