package dev.jobkit.bench;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.auth.Keys;
import dev.jobkit.server.store.Actor;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.JobStore.Candidate;
import dev.jobkit.server.store.NewJob;
import dev.jobkit.server.store.Transition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Figure 3: the claim path — {@link JobStore#nextClaimable} then the {@code QUEUED → CLAIMED}
 * compare-and-swap — timed directly against the store with a short and a long queue. The owner is
 * in serial mode with one long job running, so the dispatcher leaves their queue alone; after each
 * timed claim one job is queued again (untimed), so the queue keeps its length.
 */
final class ClaimLatency {

  record Result(Stats shortQueue, Stats longQueue, int shortLength, int longLength) {
    double ratio() {
      return longQueue.p50() / shortQueue.p50();
    }
  }

  private static final String OWNER = "claims";
  private static final int WARM_UP = 1000;

  private final RunningService service;
  private final JobStore store;
  private final int claims;
  private final Random random = new Random(42);

  ClaimLatency(RunningService service, int claims) {
    this.service = service;
    this.store = service.bean(JobStore.class);
    this.claims = claims;
  }

  Result run(int shortLength, int longLength) throws Exception {
    RunningService.Client user = service.newUser(OWNER, "serial");
    String holder =
        user.send("POST", "/api/v1/jobs", "{\"command\":[\"sleep\",\"3600\"]}", 201)
            .get("id")
            .asString();
    while (!"RUNNING".equals(user.get("/api/v1/jobs/" + holder).get("status").asString())) {
      Thread.sleep(10);
    }
    System.out.printf("  %s (serial) holds its only slot with %s (sleep 3600)%n", OWNER, holder);

    queue(shortLength);
    Stats shortQueue = measure(shortLength);
    System.out.printf("  %,d queued: claim %s%n", shortLength, shortQueue);

    long start = System.nanoTime();
    queue(longLength - shortLength);
    System.out.printf(
        "  queued %,d more through JobStore.insert in batches of 1000 (%.1f s)%n",
        longLength - shortLength, (System.nanoTime() - start) / 1e9);
    Stats longQueue = measure(longLength);
    System.out.printf("  %,d queued: claim %s%n", longLength, longQueue);

    printPlans();
    return new Result(shortQueue, longQueue, shortLength, longLength);
  }

  private Stats measure(int expectedLength) {
    for (int i = 0; i < WARM_UP; i++) {
      claimOne();
      queue(1);
    }
    List<Long> nanos = new ArrayList<>();
    long lookup = 0;
    for (int i = 0; i < claims; i++) {
      long start = System.nanoTime();
      Candidate next = store.nextClaimable(OWNER).orElseThrow();
      long found = System.nanoTime();
      claim(next);
      long end = System.nanoTime();
      nanos.add(end - start);
      lookup += found - start;
      queue(1);
    }
    int length = queued();
    if (length != expectedLength) {
      throw new IllegalStateException(expectedLength + " jobs should be queued, not " + length);
    }
    System.out.printf("    of which the next-job lookup: mean %.3f ms%n", lookup / 1e6 / claims);
    return Stats.ofNanos(nanos);
  }

  private void claimOne() {
    claim(store.nextClaimable(OWNER).orElseThrow());
  }

  private void claim(Candidate next) {
    if (store
        .transition(
            Transition.of(next.id(), JobStatus.QUEUED, JobStatus.CLAIMED, Actor.EXECUTOR, null))
        .isEmpty()) {
      throw new IllegalStateException("the claim of " + next.id() + " did not apply");
    }
  }

  /** Queues {@code count} jobs of random priority, 1000 per transaction. */
  private void queue(int count) {
    for (int done = 0; done < count; done += 1000) {
      List<NewJob> jobs = new ArrayList<>();
      for (int i = 0; i < Math.min(1000, count - done); i++) {
        jobs.add(
            new NewJob(
                Keys.newId("job"),
                OWNER,
                "true",
                null,
                JobStatus.QUEUED,
                null,
                1 + random.nextInt(9),
                Accessibility.PRIVATE,
                1,
                List.of("true"),
                null,
                null,
                null,
                Map.of(),
                Map.of(),
                Map.of(),
                List.of(),
                null,
                1));
      }
      store.insert(jobs, Actor.user(OWNER), null);
    }
  }

  private int queued() {
    return jdbc()
        .sql("SELECT COUNT(*) FROM jobs WHERE owner = ? AND status = 'QUEUED'")
        .param(OWNER)
        .query(Integer.class)
        .single();
  }

  private JdbcClient jdbc() {
    return JdbcClient.create(service.bean(DataSource.class));
  }

  /**
   * Lists the statements a few more claims run, with H2's own timing of each, and the plan H2
   * chooses for the next-job lookup — the statement the store really sent, taken from H2's query
   * statistics rather than copied here.
   */
  private void printPlans() {
    H2Statements statements = new H2Statements(service);
    statements.start();
    for (int i = 0; i < 50; i++) {
      claimOne();
    }
    List<Map<String, Object>> rows = statements.stop();
    System.out.println("  statements of 50 more claims, as H2 timed them:");
    H2Statements.print(rows, 10);
    String lookup =
        rows.stream()
            .map(H2Statements::sql)
            .filter(sql -> sql.contains("pod_count FROM jobs") && sql.contains("ORDER BY"))
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("no next-job lookup among the statements"));
    String bound = lookup.replaceFirst("\\?", "'" + OWNER + "'").replaceFirst("\\?", "'QUEUED'");
    String plan = jdbc().sql("EXPLAIN " + bound).query(String.class).single();
    System.out.println("  H2's plan of the next-job lookup (index sorted = reads one row):");
    System.out.println("    " + plan.replace("\n", "\n    "));
  }
}
