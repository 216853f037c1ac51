package dev.jobkit.sdk;

import dev.jobkit.sdk.internal.JobApi;
import dev.jobkit.sdk.internal.JobBatch;
import dev.jobkit.sdk.internal.Json;
import dev.jobkit.sdk.jobs.ExportFormat;
import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobPage;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.jobs.TerminalUrl;
import dev.jobkit.sdk.lifecycle.JobStatus;
import feign.Response;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The jobs of the service: submit, read, list, watch, logs and update. Stopping, deleting and
 * flushing are risky and live in {@link JobkitClient#guarded}.
 */
public final class Jobs {

  private final JobkitClient client;
  private final JobApi api;
  private final Calls calls;
  private final ProblemDecoder errors = new ProblemDecoder(Json.MAPPER);

  Jobs(JobkitClient client) {
    this.client = client;
    this.api = client.api();
    this.calls = client.calls();
  }

  /**
   * Submits a job. The call carries a new {@code Idempotency-Key}, the same on every retry, so a
   * retried submit creates exactly one job.
   *
   * @param spec what to run
   * @return the job as created, queued or waiting for its parents
   * @throws ValidationException if the service refuses the spec, naming each wrong field
   */
  public Job submit(JobSpec spec) {
    return submit(spec, UUID.randomUUID().toString());
  }

  /**
   * Submits a job with your own idempotency key: the same key and the same spec return the same
   * job, even from another process; the same key with another spec is a {@link ConflictException}.
   *
   * @param spec what to run
   * @param idempotencyKey a key of your own, unique per job you mean to create
   * @return the job as created, or the one this key created before
   * @throws ConflictException if the key was used before with another spec
   * @throws ValidationException if the service refuses the spec, naming each wrong field
   */
  public Job submit(JobSpec spec, String idempotencyKey) {
    return calls.run(() -> api.submit(idempotencyKey, spec));
  }

  /**
   * Submits a run of an app: the service validates its parameters against the app's schema and
   * builds the job from the app's template. Retried safely, like {@link #submit(JobSpec)}.
   *
   * @param run the app, its version, its parameters and the job's options
   * @return the job as created, with {@code app}, {@code app_version} and {@code parameters}
   * @throws ValidationException naming {@code parameters.<name>} and the rule it breaks, or {@code
   *     app} when there is no such app (or version)
   */
  public Job submit(dev.jobkit.sdk.apps.AppRun run) {
    return submit(run.spec());
  }

  /**
   * Submits jobs in one transaction, all or none; a job may name another of the batch as parent by
   * its {@code ref}. Not retried: a batch carries no idempotency key.
   *
   * @param specs what to run, each with a {@code ref} if another job of the batch names it
   * @return the jobs as created, in the order of {@code specs}
   * @throws ValidationException if the service refuses a spec; then no job is created
   */
  public List<Job> submitBatch(List<JobSpec> specs) {
    return calls.once(() -> api.submitBatch(new JobBatch(specs))).items();
  }

  /**
   * Asks for a web terminal into one running pod of a job: an interactive shell in the pod's work
   * dir, as the pod's account. The URL opens once, within 60 s (the service's {@code
   * jobkit.console.terminal-ttl}); only the job's owner or an admin may ask. Not retried: each call
   * makes a new single-use ticket, and a failed one that had reached the service leaves nothing
   * usable behind.
   *
   * <pre>{@code
   * TerminalUrl terminal = client.jobs().terminal(jobId, 0);
   * System.out.println("open " + terminal.url() + " before " + terminal.expiresAt());
   * }</pre>
   *
   * @param jobId the job's id
   * @param pod the pod's index, from 0
   * @return the page to open in a browser, the WebSocket for other clients, and when they expire
   * @throws NotFoundException if the job does not exist or this key may not see it
   * @throws ForbiddenException if the job is someone else's (an admin may), or the key is a share
   *     token
   * @throws InvalidStateException if the job is not {@code RUNNING}
   * @throws ValidationException if the pod does not exist or has ended
   * @throws ConflictException if this service does not run the pod itself (an external worker, a
   *     Slurm executor or another service on a shared database runs it)
   */
  public TerminalUrl terminal(String jobId, int pod) {
    return calls.once(() -> api.terminal(jobId, pod));
  }

  /**
   * A job with its pods, attempts, progress, last error and result.
   *
   * @param jobId the job's id
   * @return the job as it is now
   * @throws NotFoundException if it does not exist or this key may not see it
   */
  public Job get(String jobId) {
    return calls.run(() -> api.get(jobId));
  }

  /**
   * One page of jobs, newest first; {@link #listAll} reads every page.
   *
   * @param query the filters, the page size and the cursor of the page to read
   * @return the page, with the cursor of the next one, if there is one
   * @throws ValidationException if the service refuses a filter
   */
  public JobPage list(JobQuery query) {
    return calls.run(() -> api.list(query.toParameters()));
  }

  /**
   * Writes the job history to {@code out} as the service streams it: every job {@link #listAll}
   * would give for {@code filters}, newest first, as CSV (RFC 4180 with a header row, cells a
   * spreadsheet would run as formulas led by {@code '}) or as one JSON array. The service reads it
   * page by page, so it takes the same memory on both sides for a thousand jobs as for a million.
   * The request is retried as any read; once bytes have been written, a failure is not.
   *
   * <pre>{@code
   * try (OutputStream out = Files.newOutputStream(Path.of("failed.csv"))) {
   *   client.jobs().export(ExportFormat.CSV, JobQuery.builder().status("failed").build(), out);
   * }
   * }</pre>
   *
   * @param format CSV or JSON
   * @param filters the filters of the list; its page size and cursor are not used
   * @param out where the bytes go; left open
   * @return how many bytes were written
   * @throws ValidationException if the service refuses a filter, naming it
   * @throws TransportException if the answer breaks off before its end (the bytes written so far
   *     are not all of it)
   * @throws UncheckedIOException if {@code out} cannot be written
   */
  public long export(ExportFormat format, JobQuery filters, OutputStream out) {
    Map<String, Object> parameters = new LinkedHashMap<>(filters.toParameters());
    parameters.remove("limit");
    parameters.remove("cursor");
    Response response = calls.run(() -> exportAnswer(format, parameters));
    try (response) {
      InputStream body =
          response.body() == null ? InputStream.nullInputStream() : response.body().asInputStream();
      byte[] buffer = new byte[64 * 1024];
      long written = 0;
      while (true) {
        int n;
        try {
          n = body.read(buffer);
        } catch (IOException e) {
          throw new TransportException(
              "the export broke off after " + written + " bytes: " + e.getMessage(), e);
        }
        if (n < 0) {
          return written;
        }
        try {
          out.write(buffer, 0, n);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write the export: " + e.getMessage(), e);
        }
        written += n;
      }
    } catch (IOException e) {
      throw new TransportException("cannot read the export: " + e.getMessage(), e);
    }
  }

  /**
   * Writes the job history to {@code target}, as {@link #export(ExportFormat, JobQuery,
   * OutputStream)} does, whole or not at all: the bytes go to a temporary file next to it first,
   * which replaces {@code target} only once the export has ended.
   *
   * @param format CSV or JSON
   * @param filters the filters of the list; its page size and cursor are not used
   * @param target the file to write, replaced if it exists
   * @return how many bytes were written
   * @throws ValidationException if the service refuses a filter, naming it; {@code target} is left
   *     as it was
   * @throws TransportException if the answer breaks off; {@code target} is left as it was
   * @throws UncheckedIOException if {@code target} cannot be written
   */
  public long export(ExportFormat format, JobQuery filters, Path target) {
    return WholeFile.write(
        target,
        partial -> {
          try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial))) {
            return export(format, filters, out);
          }
        },
        written -> true);
  }

  /** The open answer of a 2xx; any other status becomes the SDK's exception for it. */
  private Response exportAnswer(ExportFormat format, Map<String, Object> parameters) {
    Response response = api.export(format.wireName(), parameters);
    if (response.status() / 100 != 2) {
      try (response) {
        throw (JobkitException) errors.decode("JobApi#export", response);
      }
    }
    return response;
  }

  /**
   * Every job matching {@code query}, newest first, fetching pages lazily as the stream is read.
   *
   * @param query the filters and the page size; its cursor is where the stream starts
   * @return a sequential stream that reads the next page when it needs one; a failed read throws
   *     from the stream's operation
   */
  public Stream<Job> listAll(JobQuery query) {
    Iterator<Job> jobs =
        new Iterator<>() {
          private JobPage page = list(query);
          private int index;

          @Override
          public boolean hasNext() {
            while (index >= page.items().size()) {
              if (page.nextCursor() == null) {
                return false;
              }
              page = list(query.withCursor(page.nextCursor()));
              index = 0;
            }
            return true;
          }

          @Override
          public Job next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return page.items().get(index++);
          }
        };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(jobs, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  /**
   * A flush's background operation as it is now: its status and counts. {@link
   * GuardedActions#flush(dev.jobkit.sdk.guard.FlushScope)} starts one and follows it; this reads
   * one again, for example one that was still running when that stopped following it.
   *
   * @param operationId the operation's id, as {@link FlushOperation#id()} gives it
   * @return the operation as it is now
   * @throws NotFoundException if there is none of that id that this key may read (only its starter
   *     and admins may), or it ended more than a day ago
   */
  public FlushOperation flushOperation(String operationId) {
    return calls.run(() -> api.operation(operationId, null));
  }

  /**
   * A flush's background operation once it has ended, or as it is when {@code wait} is over: long
   * polls of at most 20 s each, so no request outlasts a read timeout. Returns what it last read;
   * {@link FlushOperation#done()} says whether it has ended.
   *
   * @param operationId the operation's id, as {@link FlushOperation#id()} gives it
   * @param wait how long to wait for its end at most
   * @return the operation as last read: ended, or still running when {@code wait} was over
   * @throws NotFoundException if there is none of that id that this key may read, or it ended more
   *     than a day ago
   */
  public FlushOperation flushOperation(String operationId, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    FlushOperation operation = flushOperation(operationId);
    while (!operation.done()) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return operation;
      }
      String poll = Math.min(left, 20_000) + "ms";
      operation = calls.run(() -> api.operation(operationId, poll));
    }
    return operation;
  }

  /**
   * Changes a job's mutable fields; null fields stay as they are.
   *
   * @param jobId the job to change
   * @param update the new values
   * @return the job as changed
   * @throws NotFoundException if it does not exist or this key may not see it
   * @throws ForbiddenException if this key may see it but not change it
   * @throws ValidationException if the service refuses a value
   */
  public Job update(String jobId, JobUpdate update) {
    return calls.run(() -> api.update(jobId, update));
  }

  /**
   * A job's events, oldest first: the audit trail. Besides its transitions, it has a {@link
   * dev.jobkit.sdk.jobs.EventKind#RENAMED} or {@link
   * dev.jobkit.sdk.jobs.EventKind#ACCESSIBILITY_CHANGED} event, with the old and the new value, for
   * every change of its name or visibility.
   *
   * @param jobId the job's id
   * @return its events so far, oldest first
   * @throws NotFoundException if it does not exist or this key may not see it
   */
  public List<JobEvent> events(String jobId) {
    return calls.run(() -> api.events(jobId));
  }

  /**
   * Live events of one job, from now on: its transitions, and its renames and visibility changes
   * (check {@link JobEvent#kind()}). The stream starts from the job as read once subscribed ({@link
   * EventStream#initialState()}) and says when the job has ended ({@link EventStream#ended()}).
   *
   * <pre>{@code
   * try (EventStream events = client.jobs().watch(id)) {
   *   System.out.println(events.initialState().orElseThrow().status());
   *   while (!events.ended()) {
   *     events.next(Duration.ofSeconds(30)).ifPresent(e -> System.out.println(e.toStatus()));
   *   }
   * }
   * }</pre>
   *
   * @param jobId the job to watch
   * @return the open stream; close it when done
   * @throws NotFoundException if there is no such job, or this key may not see it
   */
  public EventStream watch(String jobId) {
    EventStream events = new EventStream(client, jobId, null);
    try {
      return events.startingFrom(get(jobId));
    } catch (RuntimeException e) {
      events.close();
      throw e;
    }
  }

  /**
   * Live events of every job this key may see, from now on.
   *
   * @return the open stream; close it when done
   */
  public EventStream watchAll() {
    return new EventStream(client, null, null);
  }

  /**
   * Every event this key may see after event {@code afterEventId}, then live ones: how a watcher
   * picks up where it left off.
   *
   * @param afterEventId the id of the last event already seen ({@link JobEvent#id()})
   * @return the open stream; close it when done
   */
  public EventStream watchAllAfter(long afterEventId) {
    return new EventStream(client, null, afterEventId);
  }

  /**
   * Calls {@code listener} back with the job's progress and metrics as they change, until the job
   * ends: with the job as it is now, then each time its progress's percent or message or its
   * metrics change, then {@link ProgressListener#onEnd} once it has ended. The service reads what a
   * running job reports only when the job is shown, so the watch reads it every {@code interval};
   * it also follows the job's events, and so learns of the end when it is committed.
   *
   * <p>Like the waiters, it outlasts a service that restarts or answers 503: a failed read is tried
   * again at the next interval, and only a failure that cannot heal (the job deleted, the key
   * refused, the client closed) ends it. A callback that throws never ends it ({@link
   * StreamListener#onCallbackFailure} is told).
   *
   * <pre>{@code
   * try (ProgressWatch watch =
   *     client.jobs().watchProgress(id, Duration.ofSeconds(2), job ->
   *         System.out.printf("%s %s%n", job.progress(), job.metrics()))) {
   *   Job done = watch.awaitEnd(Duration.ofHours(1));
   * }
   * }</pre>
   *
   * @param jobId the job to watch
   * @param interval how often to read the running job; each read is one {@code GET} of the job
   * @param listener told each change, on the watch's own thread, one call at a time
   * @return the running watch; close it to stop early
   * @throws NotFoundException if there is no such job, or this key may not see it
   * @throws IllegalArgumentException if {@code interval} is not positive
   */
  public ProgressWatch watchProgress(String jobId, Duration interval, ProgressListener listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "a progress watch's interval must be positive, not " + interval);
    }
    EventStream events = new EventStream(client, jobId, null);
    try {
      return new ProgressWatch(client, jobId, interval, listener, events, get(jobId));
    } catch (RuntimeException e) {
      events.close();
      throw e;
    }
  }

  /**
   * The results of a job: the files it wrote under its output dir, with their SHA-256 once it has
   * ended. {@code results(id).download(dir)} downloads and checks them all.
   *
   * @param jobId the job's id
   * @return its results; nothing is read until a method of it is called
   */
  public JobResults results(String jobId) {
    return new JobResults(client, jobId);
  }

  /**
   * The logs of a job's pods: {@code logs(id).tail()}, {@code logs(id).pod(2).follow(...)}.
   *
   * @param jobId the job's id
   * @return the log of its pod 0; nothing is read until it is tailed or followed
   */
  public Logs logs(String jobId) {
    return new Logs(client, jobId, 0);
  }

  /**
   * {@link #submit(JobSpec)} on the client's executor ({@link JobkitClient.Builder#executor}).
   *
   * @param spec the job to submit
   * @return the job as created, or the failure {@code submit} would throw
   */
  public CompletableFuture<Job> submitAsync(JobSpec spec) {
    return client.async(() -> submit(spec));
  }

  /**
   * {@link #get(String)} on the client's executor.
   *
   * @param jobId the job to read
   * @return the job, or the failure {@code get} would throw
   */
  public CompletableFuture<Job> getAsync(String jobId) {
    return client.async(() -> get(jobId));
  }

  /**
   * {@link #await(String, Predicate, Duration)} on the client's executor: a thread of it waits, the
   * caller does not.
   *
   * @param jobId the job to wait for
   * @param condition the status to wait for
   * @param timeout how long to wait at most
   * @return the job as last read, or the failure {@code await} would throw
   */
  public CompletableFuture<Job> awaitAsync(
      String jobId, Predicate<JobStatus> condition, Duration timeout) {
    return client.async(() -> await(jobId, condition, timeout));
  }

  /**
   * Waits until the job's status satisfies {@code condition}, driven by its live events (no busy
   * polling), and returns the job as read then. A job that ends without satisfying it is returned
   * as soon as it has ended, since it can no longer change: check its status.
   *
   * <p>The wait keeps its deadline whatever the service does: a read that fails on the way (the
   * service restarting, a 503, a dropped connection) is tried again until the deadline, never past
   * it, as AWS SDK waiters do; only a failure that cannot heal (the job is gone, the key is
   * refused) ends it early.
   *
   * <pre>{@code
   * Job done = client.jobs().await(id, JobStatus::isTerminal, Duration.ofMinutes(10));
   * }</pre>
   *
   * @param jobId the job to wait for
   * @param condition the status to wait for
   * @param timeout how long to wait at most
   * @return the job as last read
   * @throws WaitTimeoutException if it did not within {@code timeout}; its cause is the last
   *     failure to read the job, if the last read failed
   * @throws NotFoundException if the job does not exist (or was deleted meanwhile)
   */
  public Job await(String jobId, Predicate<JobStatus> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (EventStream events = new EventStream(client, jobId, null, timeout)) {
      Job job = null;
      JobkitException lastFailure = null;
      boolean read = true;
      while (true) {
        // No read starts at the deadline: it could only fail for want of time, and hide why the
        // reads before it failed.
        if (read && deadline - System.nanoTime() > 1_000_000) {
          try {
            job = calls.before(deadline, () -> get(jobId));
            lastFailure = null;
          } catch (JobkitException failure) {
            if (!failure.isRetryable()) {
              throw failure;
            }
            lastFailure = failure;
          }
        }
        if (job != null && (condition.test(job.status()) || job.status().isTerminal())) {
          return job;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new WaitTimeoutException(jobId, job, timeout, lastFailure);
        }
        // A quiet spell re-reads the job, in case the stream reconnected past an event; after a
        // failed read, sooner. A rename or a visibility change says the status of the moment, but
        // did not move the job.
        long quiet = lastFailure == null ? 5_000_000_000L : 500_000_000L;
        Optional<JobEvent> event = events.next(Duration.ofNanos(Math.min(left, quiet)));
        read =
            event.isEmpty()
                || lastFailure != null
                || event.get().isTransition()
                    && (condition.test(event.get().toStatus())
                        || event.get().toStatus().isTerminal());
      }
    }
  }
}
