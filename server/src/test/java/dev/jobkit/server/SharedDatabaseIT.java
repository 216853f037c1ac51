package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.server.store.DatabaseInUseException;
import dev.jobkit.server.store.ServiceMembers;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.PostgresDatabase;
import dev.jobkit.server.support.Processes;
import dev.jobkit.server.support.SseStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two services on one PostgreSQL database and one data dir, as a team that outgrew one machine runs
 * them: a live stream on one carries what the other does, an owner's limit holds across both, a
 * stop made through one ends a job that runs on the other, and a third service started on another
 * data dir is refused. (Killing one mid-run is {@code MultiServiceIT}'s, with separate processes.)
 */
class SharedDatabaseIT {

  private static PostgresDatabase database;
  private static JobkitServer first;
  private static JobkitServer second;

  @BeforeAll
  static void start() {
    database = PostgresDatabase.create();
    first = JobkitServer.start(shared());
    second = JobkitServer.startOn(first.dataDir(), shared());
  }

  private static String[] shared() {
    List<String> args = new ArrayList<>(List.of(database.serverArgs()));
    args.add("--jobkit.datasource.shared=true");
    return args.toArray(String[]::new);
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {second, first, database}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // the others still close
      }
    }
  }

  @Test
  void a_stream_on_one_service_carries_the_jobs_of_the_other() {
    try (SseStream stream = second.admin().stream("/api/v1/events/stream")) {
      Job job = first.admin().submit("{\"command\":[\"true\"]}");

      List<SseStream.Event> seen =
          stream.until(
              e ->
                  e.data() != null
                      && e.data().contains(job.id())
                      && e.data().contains("\"to_status\":\"SUCCEEDED\""),
              Duration.ofSeconds(60));

      assertThat(seen)
          .filteredOn(e -> e.data() != null && e.data().contains(job.id()))
          .extracting(e -> e.json().get("to_status").asString())
          .containsExactly("QUEUED", "CLAIMED", "RUNNING", "SUCCEEDED");
    }
  }

  @Test
  void a_serial_owner_runs_one_job_at_a_time_across_both_services() {
    Api onFirst = first.newUser("serial-sam", "serial");
    Api onSecond = onFirst.at(second.baseUrl());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(onFirst.submit("{\"command\":[\"sleep\",\"0.3\"]}").id());
      ids.add(onSecond.submit("{\"command\":[\"sleep\",\"0.3\"]}").id());
    }
    for (String id : ids) {
      onFirst.awaitStatus(id, SUCCEEDED, Duration.ofSeconds(120));
    }

    // Event ids are the database's commit order across both services: replayed in that order,
    // never two of the owner's jobs in flight at once.
    List<JobEvent> events = new ArrayList<>();
    ids.forEach(id -> events.addAll(onSecond.events(id)));
    events.sort(Comparator.comparingLong(JobEvent::id));
    int inFlight = 0;
    int most = 0;
    for (JobEvent e : events) {
      if (!e.isTransition()) {
        continue;
      }
      boolean was = e.fromStatus() != null && e.fromStatus().isInFlight();
      boolean is = e.toStatus().isInFlight();
      inFlight += (is ? 1 : 0) - (was ? 1 : 0);
      most = Math.max(most, inFlight);
    }
    assertThat(most).isEqualTo(1);
    assertThat(inFlight).isZero();
  }

  @Test
  void a_stop_through_one_service_ends_a_job_running_on_the_other() {
    Job job = first.admin().submit("{\"command\":[\"sleep\",\"300\"]}");
    first.admin().awaitStatus(job.id(), RUNNING, Duration.ofSeconds(60));
    String runsOn =
        JdbcClient.create(first.bean(DataSource.class))
            .sql("SELECT service_id FROM jobs WHERE id = ?")
            .param(job.id())
            .query(String.class)
            .single();
    JobkitServer other = runsOn.equals(first.bean(ServiceMembers.class).self()) ? second : first;
    assertThat(Processes.ofJob(job.id())).isNotEmpty();

    other.admin().stopAndAwaitCanceled(job.id());

    await().atMost(Duration.ofSeconds(60)).until(() -> Processes.ofJob(job.id()).isEmpty());
  }

  @Test
  void a_service_on_another_data_dir_is_refused_while_these_run() {
    Throwable failure = catchThrowable(() -> JobkitServer.start(shared()).close());

    DatabaseInUseException refused = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof DatabaseInUseException d) {
        refused = d;
      }
    }
    assertThat(refused).as("refused for its data dir: %s", failure).isNotNull();
    assertThat(refused.getMessage())
        .contains(
            "uses this database with the data dir " + first.dataDir().toAbsolutePath().normalize())
        .contains("services that share a database must share its data dir")
        .contains("start this one with jobkit.data-dir set to that data dir");
  }
}
