package dev.jobkit.server.console;

import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.PodStatus;
import dev.jobkit.sdk.jobs.TerminalUrl;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.lifecycle.Operation;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.exec.JobExecutor;
import dev.jobkit.server.exec.PodTerminal;
import dev.jobkit.server.exec.TerminalRefusedException;
import dev.jobkit.server.jobs.JobReader;
import dev.jobkit.server.store.Actor;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.ServiceMembers;
import dev.jobkit.server.store.WorkerStore;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * The web terminal's rules: who may ask for one (the job's owner or an admin, never a share token),
 * when (the job {@code RUNNING}, the pod alive and run by this service's own executor), the
 * single-use ticket it answers with, and the audit events of each session ({@link
 * EventKind#TERMINAL_OPENED}, {@link EventKind#TERMINAL_CLOSED}).
 */
@Service
class Terminals {

  /** The path of the terminal's WebSocket; the ticket is its only credential. */
  static final String SOCKET_PATH = "/api/v1/terminal/socket";

  private final JobReader reader;
  private final JobStore store;
  private final JobExecutor executor;
  private final WorkerStore workers;
  private final ServiceMembers members;
  private final TerminalTickets tickets;

  Terminals(
      JobReader reader,
      JobStore store,
      JobExecutor executor,
      WorkerStore workers,
      ServiceMembers members,
      TerminalTickets tickets) {
    this.reader = reader;
    this.store = store;
    this.executor = executor;
    this.workers = workers;
    this.members = members;
    this.tickets = tickets;
  }

  /**
   * A single-use URL of a terminal into the pod, for {@code caller}.
   *
   * @param base the service's address as the request saw it ({@code http://host:port})
   */
  TerminalUrl ask(Caller caller, String jobId, int pod, String base) {
    Job job = reader.get(caller, jobId);
    if (caller.kind() == ActorKind.JOB) {
      // A job acts for its owner, but it is untrusted code: a shell as another pod's account would
      // give it that pod's files, environment and processes, which pods never share.
      throw ApiException.forbidden(
          "a job's token cannot open a terminal: terminals are for people, with the owner's or an"
              + " admin's API key");
    }
    if (!caller.canModify(job)) {
      throw ApiException.forbidden(
          "job "
              + jobId
              + " belongs to "
              + job.owner()
              + "; only its owner or an admin may open a terminal into it");
    }
    if (!Operation.TERMINAL.allowedIn(job.status())) {
      throw ApiException.invalidState(job, Operation.TERMINAL);
    }
    if (pod < 0 || pod >= job.podCount()) {
      throw ApiException.invalid(
          "pod", "job " + jobId + " has pods 0 to " + (job.podCount() - 1) + ", not " + pod);
    }
    job.pods().stream()
        .filter(p -> p.index() == pod && p.status() != PodStatus.RUNNING)
        .findFirst()
        .ifPresent(
            p -> {
              throw ApiException.invalid(
                  "pod", "pod " + pod + " of job " + jobId + " is " + p.status() + ", not running");
            });
    Optional<String> worker = workers.workerOf(jobId);
    if (worker.isPresent()) {
      throw notHere(
          "job "
              + jobId
              + " runs on the external worker "
              + worker.get()
              + "; a terminal opens only into pods the service runs itself");
    }
    if (members.runsElsewhere(jobId)) {
      throw notHere(
          "job "
              + jobId
              + " runs on another service of this database ("
              + members.serviceOf(jobId).orElse("?")
              + "); ask that service for the terminal");
    }
    check(() -> executor.checkTerminal(jobId, pod));
    TerminalTickets.Issued issued = tickets.issue(jobId, pod, caller.actor());
    String socketBase = base.replaceFirst("^http", "ws");
    return new TerminalUrl(
        base + "/terminal#" + issued.value(),
        socketBase + SOCKET_PATH + "?ticket=" + issued.value(),
        issued.ticket().expiresAt(),
        jobId,
        pod);
  }

  /** What a ticket opens, if it is good now; it is used up either way. */
  Optional<TerminalTickets.Ticket> redeem(String ticket) {
    return tickets.consume(ticket);
  }

  /**
   * Whether the terminal a redeemed ticket names can open now: the job still runs, the pod is alive
   * on this service's executor.
   *
   * @return the job's status
   * @throws ApiException 409 when not, 400 naming {@code pod} when the pod has ended
   */
  JobStatus check(TerminalTickets.Ticket ticket) {
    String jobId = ticket.jobId();
    JobStatus status = store.findSummary(jobId).map(Job::status).orElse(null);
    if (status == null || !Operation.TERMINAL.allowedIn(status)) {
      throw ApiException.conflict(
          "job " + jobId + " is " + (status == null ? "gone" : status) + ", not RUNNING");
    }
    check(() -> executor.checkTerminal(jobId, ticket.pod()));
    return status;
  }

  /**
   * Opens the terminal a redeemed ticket names, and records {@code TERMINAL_OPENED}: only while the
   * job still runs and the pod is alive.
   *
   * @throws ApiException 409 when the job no longer runs or the pod has ended
   */
  PodTerminal open(TerminalTickets.Ticket ticket) {
    String jobId = ticket.jobId();
    JobStatus status = check(ticket);
    PodTerminal terminal = check(() -> executor.openTerminal(jobId, ticket.pod()));
    boolean noted =
        store
            .note(
                jobId,
                status,
                EventKind.TERMINAL_OPENED,
                ticket.actor(),
                "terminal on pod " + ticket.pod() + " opened by " + ticket.actor().name())
            .isPresent();
    if (!noted) {
      terminal.hangUp();
      throw ApiException.conflict("job " + jobId + " moved on from RUNNING meanwhile");
    }
    return terminal;
  }

  /** Records {@code TERMINAL_CLOSED}, with how the session ended, in whatever status it is now. */
  void closed(TerminalTickets.Ticket ticket, String how) {
    String reason = "terminal on pod " + ticket.pod() + " closed (" + how + ")";
    Actor actor = ticket.actor();
    // The status may change between the read and the write; the second read sees the new one.
    for (int round = 0; round < 3; round++) {
      Optional<JobStatus> status = store.findSummary(ticket.jobId()).map(Job::status);
      if (status.isEmpty()
          || store
              .note(ticket.jobId(), status.get(), EventKind.TERMINAL_CLOSED, actor, reason)
              .isPresent()) {
        return;
      }
    }
  }

  private static <T> T check(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (TerminalRefusedException e) {
      throw switch (e.reason()) {
        case NOT_HERE -> notHere(e.getMessage());
        case NO_SUCH_POD -> ApiException.invalid("pod", e.getMessage());
        case UNSUPPORTED ->
            new ApiException(
                HttpStatus.NOT_IMPLEMENTED,
                "not_implemented",
                "no web terminal on this service: " + e.getMessage(),
                Map.of());
      };
    }
  }

  private static void check(Runnable action) {
    check(
        () -> {
          action.run();
          return null;
        });
  }

  private static ApiException notHere(String detail) {
    return new ApiException(
        HttpStatus.CONFLICT, "conflict", detail, Map.of("reason", "pod_not_local"));
  }
}
