package dev.jobkit.server;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.auth.Keys;
import dev.jobkit.server.store.Actor;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.NewJob;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.PostgresDatabase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Figures of the limits work, printed as {@code FIG} lines; not a test (no asserts on time, and not
 * run by the build: its name matches neither plugin's pattern). Run by name from the worktree root:
 *
 * <pre>
 * mvn -B -o -pl server -am verify -Dit.test=LimitsFigures -Dtest=NoSuchTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
 *     [-Dfigures.only=123] [-Dfigures.db=pg] [-Dfigures.children=10000]
 * </pre>
 *
 * <p>1: 300 HTTP submits of a serial user with about 9,350 queued jobs, and the queued-jobs count
 * alone; 2: the stop of a queued parent with 10,000 waiting children; 3: another user's {@code
 * owner=} list over 50,000 private jobs and 10 public ones; 4: a parent with 10,000 waiting
 * children that succeeds, until every child is released.
 */
class LimitsFigures {

  static final boolean PG = "pg".equals(System.getProperty("figures.db"));

  static void fill(
      JobStore store,
      String owner,
      int n,
      Accessibility acc,
      JobStatus status,
      List<String> parents) {
    for (int done = 0; done < n; ) {
      List<NewJob> batch = new ArrayList<>();
      for (int i = 0; i < 1000 && done < n; i++, done++) {
        batch.add(
            new NewJob(
                Keys.newId("job"),
                owner,
                "fill " + done,
                null,
                status,
                parents.isEmpty() ? null : "waiting for parents " + parents,
                5,
                acc,
                1,
                List.of("true"),
                null,
                null,
                null,
                java.util.Map.of(),
                Map.of(),
                Map.of(),
                parents,
                null,
                1));
      }
      store.insert(batch, Actor.user(owner), null);
    }
  }

  @Test
  void figures() throws Exception {
    PostgresDatabase db = PG ? PostgresDatabase.create() : null;
    String[] args = db == null ? new String[0] : db.serverArgs();
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.add("--jobkit.limits.max-queued-jobs-per-user=100000");
    try (Gates gates = Gates.create();
        JobkitServer server = JobkitServer.start(all.toArray(String[]::new))) {
      JobStore store = server.bean(JobStore.class);
      String sections = System.getProperty("figures.only", "123");
      if (sections.contains("1")) {
        Api sub = server.newUser("subby", "serial");
        Job blocker = sub.submitShell(gates.script("subby-blocker"));
        sub.awaitStatus(blocker.id(), JobStatus.RUNNING);
        fill(store, "subby", 9000, Accessibility.PRIVATE, JobStatus.QUEUED, List.of());
        for (int i = 0; i < 50; i++) {
          sub.post("/api/v1/jobs", "{\"command\":[\"true\"]}").expect(201);
        }
        long[] t = new long[300];
        for (int i = 0; i < 300; i++) {
          long s = System.nanoTime();
          sub.post("/api/v1/jobs", "{\"command\":[\"true\"]}").expect(201);
          t[i] = System.nanoTime() - s;
        }
        Arrays.sort(t);
        System.out.printf(
            "FIG submit with ~9,350 queued: median %.2f ms, p90 %.2f ms, mean %.2f ms%n",
            t[150] / 1e6, t[270] / 1e6, Arrays.stream(t).average().orElse(0) / 1e6);
        for (int i = 0; i < 1000; i++) {
          store.waitingToStart("subby");
        }
        long c = System.nanoTime();
        long waiting = 0;
        for (int i = 0; i < 1000; i++) {
          waiting = store.waitingToStart("subby");
        }
        System.out.printf(
            "FIG the count itself (%d waiting): %.3f ms%n", waiting, (System.nanoTime() - c) / 1e9);
        gates.open("subby-blocker");
      }
      if (sections.contains("2")) {
        server
            .admin()
            .post("/api/v1/users", "{\"name\":\"stopper\",\"scheduling_mode\":\"serial\"}")
            .expect(201);
        String stopperKey =
            server
                .admin()
                .post("/api/v1/users/stopper/keys", "")
                .expect(201)
                .json()
                .get("key")
                .asString();
        Api adm = server.withKey(stopperKey);
        int n = Integer.getInteger("figures.children", 10000);
        Job blocker = adm.submitShell(gates.script("stopper-blocker"));
        adm.awaitStatus(blocker.id(), JobStatus.RUNNING);
        Job parent = adm.submitShell("true");
        fill(
            store,
            "stopper",
            n,
            Accessibility.PRIVATE,
            JobStatus.AWAITING_PARENTS,
            List.of(parent.id()));
        long s = System.nanoTime();
        int code =
            java.net.http.HttpClient.newHttpClient()
                .send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(
                                server.baseUrl() + "/api/v1/jobs/" + parent.id() + "/stop"))
                        .header("Authorization", "Bearer " + stopperKey)
                        .timeout(java.time.Duration.ofSeconds(900))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                        .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString())
                .statusCode();
        System.out.println("FIG stop answered " + code);
        long answered = System.nanoTime() - s;
        while (!store.idsInStatus(java.util.Set.of(JobStatus.AWAITING_PARENTS)).isEmpty()) {
          Thread.sleep(20);
        }
        long settled = System.nanoTime() - s;
        System.out.printf(
            "FIG stop parent with %d waiting children: answered %.2f s, all settled %.2f s%n",
            n, answered / 1e9, settled / 1e9);
        gates.open("stopper-blocker");
      }
      if (sections.contains("4")) {
        Api rel = server.newUser("releaser", "serial");
        int n = Integer.getInteger("figures.children", 10000);
        Job blocker = rel.submitShell(gates.script("releaser-blocker"));
        rel.awaitStatus(blocker.id(), JobStatus.RUNNING);
        Job parent = rel.submitShell("true"); // queued behind the blocker
        // Queued next: holds the released children.
        rel.submitShell(gates.script("releaser-holder"));
        fill(
            store,
            "releaser",
            n,
            Accessibility.PRIVATE,
            JobStatus.AWAITING_PARENTS,
            List.of(parent.id()));
        long s = System.nanoTime();
        gates.open("releaser-blocker");
        rel.awaitStatus(parent.id(), JobStatus.SUCCEEDED);
        long ended = System.nanoTime() - s;
        while (!store.idsInStatus(java.util.Set.of(JobStatus.AWAITING_PARENTS)).isEmpty()) {
          Thread.sleep(20);
        }
        long settled = System.nanoTime() - s;
        System.out.printf(
            "FIG parent with %d waiting children succeeds: parent ended %.2f s, all released"
                + " %.2f s%n",
            n, ended / 1e9, settled / 1e9);
        gates.open("releaser-holder");
      }
      if (sections.contains("3")) {
        server.newUser("carol", "parallel");
        Api bob = server.newUser("bob", "parallel");
        fill(store, "carol", 25000, Accessibility.PRIVATE, JobStatus.CANCELED, List.of());
        fill(store, "carol", 10, Accessibility.PUBLIC, JobStatus.CANCELED, List.of());
        fill(store, "carol", 25000, Accessibility.PRIVATE, JobStatus.CANCELED, List.of());
        for (int i = 0; i < 5; i++) {
          bob.get("/api/v1/jobs?owner=carol").expect(200);
        }
        long[] t = new long[20];
        for (int i = 0; i < t.length; i++) {
          long s = System.nanoTime();
          String body = bob.get("/api/v1/jobs?owner=carol").expect(200).body();
          t[i] = System.nanoTime() - s;
          if (i == 0) {
            System.out.println("FIG items " + Api.JSON.readTree(body).get("items").size());
          }
        }
        Arrays.sort(t);
        System.out.printf(
            "FIG bob lists owner=carol (50k private, 10 public): median %.1f ms, max %.1f ms%n",
            t[10] / 1e6, t[19] / 1e6);
        try (java.sql.Connection c = server.bean(javax.sql.DataSource.class).getConnection();
            java.sql.PreparedStatement explain =
                c.prepareStatement(
                    (PG ? "EXPLAIN ANALYZE" : "EXPLAIN")
                        + " SELECT * FROM jobs j WHERE 1 = 1 AND j.owner = ?"
                        + " AND j.accessibility = 'PUBLIC' ORDER BY j.seq DESC LIMIT 51")) {
          explain.setString(1, "carol");
          try (java.sql.ResultSet plan = explain.executeQuery()) {
            while (plan.next()) {
              System.out.println("FIG plan " + plan.getString(1));
            }
          }
        }
        long s = System.nanoTime();
        bob.get("/api/v1/jobs?owner=carol&status=canceled").expect(200);
        System.out.printf("FIG with status filter: %.1f ms%n", (System.nanoTime() - s) / 1e6);
      }
    } finally {
      if (db != null) {
        db.close();
      }
    }
  }
}
