package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who runs when: per-user limits ({@code serial} 1, {@code parallel} 3), the executor's slots,
 * priority then age, and the reasons a queued job gives. Concurrency is judged from the jobs' own
 * event log (RUNNING event to the event that ends the run), never from the test's clock.
 */
class SchedulingIT {

  private static final Duration LONG = Duration.ofSeconds(60);

  /** Per-user limits, on the shared service: users of their own, whatever others run. */
  @Nested
  class PerUserLimits {

    @RegisterExtension static final JobkitService service = JobkitService.shared();

    final Gates gates = service.gates();

    @Test
    void a_serial_users_jobs_never_run_at_the_same_time() throws Exception {
      Api serial = service.newUser("serial", "serial");

      List<String> ids = submitConcurrently(6, () -> serial.submitShell("sleep 0.3"));

      List<Interval> runs = ids.stream().map(id -> runOf(serial, id)).toList();
      assertThat(maxConcurrent(runs)).as("most jobs running at once in %s", runs).isEqualTo(1);
    }

    @Test
    void a_parallel_user_runs_three_jobs_at_once_and_never_more() throws Exception {
      Api parallel = service.newUser("parallel", "parallel");
      try {
        List<String> ids =
            submitConcurrently(
                6, () -> parallel.submitShell(gates.script("parallel-six") + "; sleep 0.2"));

        await().atMost(LONG).until(() -> countIn(parallel, ids, JobStatus.RUNNING), n -> n == 3);
        assertThat(statusesOf(parallel, ids))
            .as("statuses while three of six run")
            .filteredOn(j -> j.status() == JobStatus.QUEUED)
            .hasSize(3)
            .allSatisfy(
                j -> assertThat(j.statusReason()).contains("owner's parallel limit reached"));

        gates.open("parallel-six");
        List<Interval> runs = ids.stream().map(id -> runOf(parallel, id)).toList();
        assertThat(maxConcurrent(runs)).as("most jobs running at once in %s", runs).isEqualTo(3);
      } finally {
        gates.open("parallel-six");
      }
    }

    @Test
    void a_serial_users_backlog_does_not_hold_up_another_users_job() throws Exception {
      Api busy = service.newUser("busy", "serial");
      Api other = service.newUser("other", "serial");
      try {
        List<String> backlog = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          backlog.add(busy.submitShell(gates.script("backlog")).id());
        }
        busy.awaitStatus(backlog.get(0), JobStatus.RUNNING);

        String theirs = other.submitShell(gates.script("backlog")).id();

        other.awaitStatus(theirs, s -> s == JobStatus.RUNNING, LONG);
        assertThat(busy.job(backlog.get(0)).status()).isEqualTo(JobStatus.RUNNING);
        assertThat(statusesOf(busy, backlog.subList(1, 3)))
            .extracting(Job::status)
            .containsOnly(JobStatus.QUEUED);

        gates.open("backlog");
        Interval first = runOf(busy, backlog.get(0));
        Interval otherRun = runOf(other, theirs);
        assertThat(first.overlaps(otherRun))
            .as("%s and %s ran at the same time", first, otherRun)
            .isTrue();
        List<Interval> busyRuns = backlog.stream().map(id -> runOf(busy, id)).toList();
        assertThat(maxConcurrent(busyRuns)).as("busy user's runs %s", busyRuns).isEqualTo(1);
      } finally {
        gates.open("backlog");
      }
    }

    @Test
    void a_queued_job_of_a_serial_user_says_the_owners_serial_limit_holds_it() {
      Api serial = service.newUser("waiting", "serial");
      try {
        String running = serial.submitShell(gates.script("serial-limit")).id();
        serial.awaitStatus(running, JobStatus.RUNNING);

        Job queued = serial.submitShell("true");

        Job seen = serial.job(queued.id());
        assertThat(seen.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(seen.statusReason()).startsWith("owner's serial limit reached");
        assertThat(listedReason(serial, queued.id())).startsWith("owner's serial limit reached");
      } finally {
        gates.open("serial-limit");
      }
    }

    @Test
    void an_admin_switching_a_user_from_serial_to_parallel_lets_a_second_job_start() {
      Api user = service.newUser("switched", "serial");
      try {
        String first = user.submitShell(gates.script("switched")).id();
        user.awaitStatus(first, JobStatus.RUNNING);
        String second = user.submitShell(gates.script("switched")).id();
        assertThat(user.job(second).status()).isEqualTo(JobStatus.QUEUED);

        Api.Response changed =
            service
                .admin()
                .put("/api/v1/users/" + user.name() + "/scheduling", "{\"mode\":\"parallel\"}")
                .expect(200);

        assertThat(changed.json().get("scheduling_mode").asString()).isEqualTo("parallel");
        user.awaitStatus(second, s -> s == JobStatus.RUNNING, LONG);
        assertThat(user.job(first).status()).isEqualTo(JobStatus.RUNNING);
        assertThat(user.get("/api/v1/me").expect(200).json().get("scheduling_mode").asString())
            .isEqualTo("parallel");
      } finally {
        gates.open("switched");
      }
    }

    @Test
    void a_user_who_is_not_an_admin_cannot_change_a_scheduling_mode() {
      Api user = service.newUser("self", "serial");
      Api other = service.newUser("victim", "parallel");

      Api.Response own =
          user.put("/api/v1/users/" + user.name() + "/scheduling", "{\"mode\":\"parallel\"}");
      Api.Response theirs =
          user.put("/api/v1/users/" + other.name() + "/scheduling", "{\"mode\":\"serial\"}");

      for (Api.Response refused : List.of(own, theirs)) {
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("code").asString()).isEqualTo("forbidden");
      }
      assertThat(user.get("/api/v1/me").expect(200).json().get("scheduling_mode").asString())
          .isEqualTo("serial");
      assertThat(other.get("/api/v1/me").expect(200).json().get("scheduling_mode").asString())
          .isEqualTo("parallel");
    }
  }

  /** The executor's slots, counted: a service of its own with two. */
  @Nested
  class WithTwoSlots {

    @RegisterExtension
    static final JobkitService service = JobkitService.own("--jobkit.executor.slots=2");

    final Gates gates = service.gates();

    @Test
    void two_parallel_users_together_never_run_more_jobs_than_there_are_slots() throws Exception {
      Api ann = service.newUser("ann", "parallel");
      Api ben = service.newUser("ben", "parallel");
      try {
        List<String> annIds =
            submitConcurrently(5, () -> ann.submitShell(gates.script("two-slots") + "; sleep 0.1"));
        List<String> benIds =
            submitConcurrently(5, () -> ben.submitShell(gates.script("two-slots") + "; sleep 0.1"));
        // Sees both users' jobs (on this class's own service).
        Api admin = service.admin();
        List<String> all = new ArrayList<>(annIds);
        all.addAll(benIds);

        await().atMost(LONG).until(() -> countIn(admin, all, JobStatus.RUNNING), n -> n == 2);
        assertThat(statusesOf(admin, all))
            .filteredOn(j -> j.status() == JobStatus.QUEUED)
            .hasSize(8)
            .allSatisfy(j -> assertThat(j.statusReason()).startsWith("no free slot"));

        gates.open("two-slots");
        List<Interval> runs = all.stream().map(id -> runOf(admin, id)).toList();
        assertThat(maxConcurrent(runs)).as("most jobs running at once in %s", runs).isEqualTo(2);
      } finally {
        gates.open("two-slots");
      }
    }
  }

  /** The order of a queue for the executor's only slot: a service of its own with one. */
  @Nested
  class WithOneSlot {

    @RegisterExtension
    static final JobkitService service = JobkitService.own("--jobkit.executor.slots=1");

    final Gates gates = service.gates();

    @Test
    void queued_jobs_start_by_priority_then_age_once_the_slot_frees() {
      // Sees both users' jobs (on this class's own service).
      Api admin = service.admin();
      Api amy = service.newUser("amy", "parallel");
      Api bob = service.newUser("bob", "parallel");
      List<String> ids = new ArrayList<>();
      try {
        String blocker = service.user().submitShell(gates.script("by-priority")).id();
        service.user().awaitStatus(blocker, JobStatus.RUNNING);

        ids.add(amy.submit(spec("p3", 3)).id());
        ids.add(bob.submit(spec("p9", 9)).id());
        ids.add(amy.submit(spec("p5-first", 5)).id());
        ids.add(bob.submit(spec("p5-second", 5)).id());
        ids.add(amy.submit(spec("p5-third", 5)).id());
        assertThat(statusesOf(admin, ids)).extracting(Job::status).containsOnly(JobStatus.QUEUED);

        gates.open("by-priority");
      } finally {
        gates.open("by-priority");
      }

      assertThat(startOrder(admin, ids))
          .containsExactly("p9", "p5-first", "p5-second", "p5-third", "p3");
      List<Instant> times = ids.stream().map(id -> runningEvent(admin, id).at()).sorted().toList();
      List<Instant> inOrder =
          ids.stream()
              .map(id -> runningEvent(admin, id))
              .sorted(Comparator.comparingLong(JobEvent::id))
              .map(JobEvent::at)
              .toList();
      assertThat(inOrder).as("RUNNING times in event order").isEqualTo(times);
    }

    @Test
    void a_job_of_higher_priority_submitted_while_the_queue_drains_starts_next() {
      Api cal = service.newUser("cal", "parallel");
      List<String> ids = new ArrayList<>();
      try {
        String blocker = cal.submitShell(gates.script("ahead-blocker")).id();
        cal.awaitStatus(blocker, JobStatus.RUNNING);
        for (int i = 1; i <= 4; i++) {
          ids.add(cal.submit(gatedSpec("low-" + i, 1, gates.script("ahead-low"))).id());
        }
        // The slot frees: the end of the blocker hands it to low-1.
        gates.open("ahead-blocker");
        cal.awaitStatus(ids.get(0), JobStatus.RUNNING);
        // A job of the same owner that goes before the ones already waiting.
        ids.add(1, cal.submit(spec("high", 9)).id());

        gates.open("ahead-low");
      } finally {
        gates.open("ahead-blocker");
        gates.open("ahead-low");
      }

      assertThat(startOrder(cal, ids)).containsExactly("low-1", "high", "low-2", "low-3", "low-4");
    }

    @Test
    void a_job_waiting_for_the_only_slot_says_there_is_no_free_slot() {
      Api user = service.newUser("patient", "parallel");
      try {
        String blocker = service.user().submitShell(gates.script("only-slot")).id();
        service.user().awaitStatus(blocker, JobStatus.RUNNING);

        Job queued = user.submitShell("true");

        Job seen = user.job(queued.id());
        assertThat(seen.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(seen.statusReason()).startsWith("no free slot");
        assertThat(listedReason(user, queued.id())).startsWith("no free slot");

        gates.open("only-slot");
        assertThat(user.awaitEnd(queued.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
      } finally {
        gates.open("only-slot");
      }
    }
  }

  // ---- helpers ----

  /** One run of a job: from its RUNNING event to the event that ended the run. */
  record Interval(String jobId, Instant start, Instant end) {
    boolean overlaps(Interval other) {
      return start.isBefore(other.end) && other.start.isBefore(end);
    }
  }

  private static String gatedSpec(String name, int priority, String script) {
    return "{\"command\":[\"sh\",\"-c\",\""
        + script.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\"],\"display_name\":\""
        + name
        + "\",\"priority\":"
        + priority
        + "}";
  }

  private static String spec(String name, int priority) {
    return "{\"command\":[\"true\"],\"display_name\":\""
        + name
        + "\",\"priority\":"
        + priority
        + "}";
  }

  /** Submits {@code count} jobs from as many threads released at once; their ids. */
  private static List<String> submitConcurrently(int count, Supplier<Job> submit) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(count);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(
            threads.submit(
                () -> {
                  go.await();
                  return submit.get().id();
                }));
      }
      go.countDown();
      List<String> ids = new ArrayList<>();
      for (Future<String> f : futures) {
        ids.add(f.get());
      }
      return ids;
    } finally {
      threads.shutdownNow();
    }
  }

  private static List<Job> statusesOf(Api api, List<String> ids) {
    return ids.stream().map(api::job).toList();
  }

  private static long countIn(Api api, List<String> ids, JobStatus status) {
    return statusesOf(api, ids).stream().filter(j -> j.status() == status).count();
  }

  private static String listedReason(Api api, String id) {
    for (var item : api.get("/api/v1/jobs?limit=1000").expect(200).json().get("items")) {
      if (item.get("id").asString().equals(id)) {
        return item.get("status_reason").asString();
      }
    }
    throw new AssertionError("job " + id + " is not in its owner's list");
  }

  /** Waits for the job to succeed, then reads its single run from its events. */
  private static Interval runOf(Api api, String id) {
    Job done = api.awaitStatus(id, JobStatus::isTerminal, LONG);
    assertThat(done.status()).as("end of %s", id).isEqualTo(JobStatus.SUCCEEDED);
    List<JobEvent> events = api.events(id);
    List<Integer> running = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).toStatus() == JobStatus.RUNNING) {
        running.add(i);
      }
    }
    assertThat(running).as("RUNNING events of %s: %s", id, events).hasSize(1);
    int at = running.get(0);
    assertThat(events).as("events of %s", id).hasSizeGreaterThan(at + 1);
    return new Interval(id, events.get(at).at(), events.get(at + 1).at());
  }

  /** The jobs' display names in the order they were recorded {@code RUNNING}, once all ended. */
  private static List<String> startOrder(Api api, List<String> ids) {
    return ids.stream()
        .map(id -> runningEvent(api, id))
        .sorted(Comparator.comparingLong(JobEvent::id))
        .map(e -> api.job(e.jobId()).displayName())
        .toList();
  }

  private static JobEvent runningEvent(Api api, String id) {
    api.awaitStatus(id, JobStatus::isTerminal, LONG);
    return api.events(id).stream()
        .filter(e -> e.toStatus() == JobStatus.RUNNING)
        .findFirst()
        .orElseThrow(() -> new AssertionError("job " + id + " never ran"));
  }

  /**
   * The most runs in progress at any one instant. A run that ends at the very instant another
   * starts does not overlap it: the slot was handed over.
   */
  static int maxConcurrent(List<Interval> runs) {
    record Edge(Instant at, int delta) {}
    List<Edge> edges = new ArrayList<>();
    for (Interval run : runs) {
      assertThat(run.end()).as("end of %s", run).isAfterOrEqualTo(run.start());
      edges.add(new Edge(run.start(), +1));
      edges.add(new Edge(run.end(), -1));
    }
    edges.sort(Comparator.comparing(Edge::at).thenComparingInt(Edge::delta));
    int now = 0;
    int max = 0;
    for (Edge edge : edges) {
      now += edge.delta();
      max = Math.max(max, now);
    }
    return max;
  }
}
