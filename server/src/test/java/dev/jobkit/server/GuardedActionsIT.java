package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.store.DataStore;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.RecordingProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The guarded protocol through the SDK, against the real service behind a recording proxy, so each
 * test can tell exactly which changing requests reached the service. The class's user is {@code
 * serial}: while one of their jobs runs, the next one queues.
 */
class GuardedActionsIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared().userMode("serial");

  RecordingProxy proxy;
  JobkitClient client;
  JobkitClient admin;

  @BeforeEach
  void connect() {
    proxy = new RecordingProxy(service.server().baseUrl());
    client = JobkitClient.builder().baseUrl(proxy.baseUrl()).apiKey(service.userKey()).build();
    admin = JobkitClient.builder().baseUrl(proxy.baseUrl()).apiKey(JobkitServer.ADMIN_KEY).build();
  }

  @AfterEach
  void nothingLeftRunning() {
    try {
      proxy.loseAnswersOf(r -> false);
      client.guarded(Confirmers.assumeYes()).flush(FlushScope.ACTIVE);
    } finally {
      client.close();
      admin.close();
      proxy.close();
    }
  }

  /** A job that runs until the test opens its gate; {@code name} is unique within the class. */
  private Job gated(String name) {
    return gated(client, name);
  }

  private Job gated(JobkitClient as, String name) {
    return as.jobs()
        .submit(JobSpec.builder().shell(service.gates().script(name)).displayName(name).build());
  }

  private void open(String name) {
    service.gates().open(name);
  }

  private Job awaitStatus(Job job, JobStatus status) {
    return client.jobs().await(job.id(), s -> s == status, Duration.ofSeconds(30));
  }

  private long stopsOf(Job job) {
    return proxy.count("POST", "/api/v1/jobs/" + job.id() + "/stop");
  }

  @Test
  void a_denied_stop_sends_no_stop_and_leaves_the_job_running() {
    Job job = awaitStatus(gated("denied"), JobStatus.RUNNING);

    Outcome outcome = client.guarded(Confirmers.denyAll()).stop(job.id());

    assertThat(outcome.kind()).isEqualTo(OutcomeKind.DECLINED);
    assertThat(outcome.executed()).isFalse();
    assertThat(stopsOf(job)).isZero();
    assertThat(client.jobs().get(job.id()).status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void a_confirmed_stop_ends_canceled_and_verified() {
    Job job = awaitStatus(gated("confirmed"), JobStatus.RUNNING);
    List<Precheck> asked = new ArrayList<>();

    Outcome outcome = client.guarded(p -> asked.add(p)).stop(job.id());

    assertThat(outcome.kind()).isEqualTo(OutcomeKind.APPLIED);
    assertThat(outcome.verified()).isTrue();
    assertThat(outcome.finalStatus()).isEqualTo(JobStatus.CANCELED);
    assertThat(stopsOf(job)).isEqualTo(1);
    assertThat(asked)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.status()).isEqualTo(JobStatus.RUNNING);
              assertThat(p.prompt())
                  .matches(
                      Pattern.quote(
                              "Job "
                                  + job.id()
                                  + " \"confirmed\" (owner "
                                  + service.userName()
                                  + ", submitted ")
                          + "(just now|\\d+ s ago)"
                          + Pattern.quote(
                              ") is currently RUNNING. Stopping a running job cannot be undone and"
                                  + " discards any progress it has not checkpointed. Stop it?"
                                  + " [yes/no]"));
              assertThat(p.owner()).isEqualTo(service.userName());
            });
  }

  @Test
  void a_job_renamed_just_before_the_stop_is_shown_with_the_name_it_had() {
    Job job = awaitStatus(gated("prod-db-migration"), JobStatus.RUNNING);
    client
        .jobs()
        .update(
            job.id(),
            new JobUpdate("tmp-scratch-test (safe to stop, no data)", null, null, null, null));

    Outcome outcome = client.guarded(Confirmers.denyAll()).stop(job.id());

    assertThat(outcome.kind()).isEqualTo(OutcomeKind.DECLINED);
    assertThat(outcome.precheck().renamedFrom()).isEqualTo("prod-db-migration");
    assertThat(outcome.precheck().prompt())
        .contains(
            "\"tmp-scratch-test (safe to stop, no data)\" (owner "
                + service.userName()
                + ", submitted ")
        .contains("; renamed from \"prod-db-migration\" ")
        .contains(") is currently RUNNING.");
    assertThat(stopsOf(job)).isZero();
  }

  @Test
  void a_finished_job_is_refused_at_the_pre_check_without_a_stop_request() {
    Job job = gated("finished");
    open("finished");
    client.jobs().await(job.id(), JobStatus::isTerminal, Duration.ofSeconds(30));
    List<Precheck> asked = new ArrayList<>();

    Outcome outcome = client.guarded(p -> asked.add(p)).stop(job.id());

    assertThat(outcome.kind()).isEqualTo(OutcomeKind.ALREADY_TERMINAL);
    assertThat(outcome.finalStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(asked).isEmpty();
    assertThat(stopsOf(job)).isZero();
  }

  @Test
  void a_job_that_finishes_between_the_pre_check_and_the_stop_is_a_lost_race() {
    Job job = awaitStatus(gated("racing"), JobStatus.RUNNING);
    Confirmer yesAfterItEnded =
        precheck -> {
          open("racing");
          client.jobs().await(job.id(), JobStatus::isTerminal, Duration.ofSeconds(30));
          return true;
        };

    Outcome outcome = client.guarded(yesAfterItEnded).stop(job.id());

    assertThat(outcome.kind()).isEqualTo(OutcomeKind.RACE_LOST);
    assertThat(outcome.confirmed()).isTrue();
    assertThat(outcome.finalStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(client.jobs().get(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void a_queued_job_that_starts_running_before_the_stop_is_confirmed_again() {
    Job blocker = awaitStatus(gated("blocker"), JobStatus.RUNNING);
    Job queued = gated("queued");
    List<JobStatus> askedIn = new ArrayList<>();
    Confirmer releaseThenYes =
        precheck -> {
          askedIn.add(precheck.status());
          if (askedIn.size() == 1) {
            open("blocker"); // ends the user's one running job: the queued job starts
            awaitStatus(queued, JobStatus.RUNNING);
          }
          return true;
        };

    Outcome outcome = client.guarded(releaseThenYes).stop(queued.id());

    assertThat(askedIn).containsExactly(JobStatus.QUEUED, JobStatus.RUNNING);
    assertThat(outcome.kind()).isEqualTo(OutcomeKind.APPLIED);
    assertThat(outcome.finalStatus()).isEqualTo(JobStatus.CANCELED);
    assertThat(client.jobs().get(blocker.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void a_queued_job_is_stopped_at_once() {
    awaitStatus(gated("holder"), JobStatus.RUNNING);
    Job queued = gated("waiting");

    Outcome outcome = client.guarded(Confirmers.assumeYes()).stop(queued.id());

    assertThat(outcome.kind()).isEqualTo(OutcomeKind.APPLIED);
    assertThat(outcome.precheck().prompt()).contains("cancels it before it runs");
    assertThat(client.jobs().events(queued.id()))
        .extracting(e -> e.toStatus())
        .containsExactly(JobStatus.QUEUED, JobStatus.CANCELED);
  }

  @Test
  void delete_is_refused_for_an_active_job_and_verified_gone_for_an_ended_one() {
    Job job = awaitStatus(gated("to-delete"), JobStatus.RUNNING);

    Outcome refused = client.guarded(Confirmers.assumeYes()).delete(job.id());
    assertThat(refused.kind()).isEqualTo(OutcomeKind.NOT_ALLOWED_IN_STATE);
    assertThat(refused.message()).contains("stop it first");
    assertThat(proxy.count("DELETE", "/api/v1/jobs/" + job.id())).isZero();

    open("to-delete");
    Job ended = client.jobs().await(job.id(), JobStatus::isTerminal, Duration.ofSeconds(30));
    service
        .server()
        .bean(DataStore.class)
        .addModel(
            new Model(
                "model_" + job.id(),
                job.id(),
                ended.owner(),
                "train",
                List.of(),
                java.util.Map.of(),
                java.util.Map.of(),
                java.time.Instant.now()));
    Outcome deleted = client.guarded(Confirmers.assumeYes()).delete(job.id());
    assertThat(deleted.kind()).isEqualTo(OutcomeKind.APPLIED);
    assertThat(deleted.verified()).isTrue();
    assertThat(deleted.deletion().id()).isEqualTo(job.id());
    assertThat(deleted.deletion().removedModels()).isEqualTo(1);
    assertThat(deleted.deletion().removedResults()).isZero();
    assertThat(deleted.message()).contains("with 1 model and 0 result records");
    assertThatThrownBy(() -> client.jobs().get(job.id())).isInstanceOf(NotFoundException.class);
  }

  @Test
  void a_second_delete_of_a_job_is_not_found_and_sends_no_delete() {
    Job job = gated("deleted-twice");
    open("deleted-twice");
    client.jobs().await(job.id(), JobStatus::isTerminal, Duration.ofSeconds(30));
    Outcome first = client.guarded(Confirmers.assumeYes()).delete(job.id());
    assertThat(first.kind()).isEqualTo(OutcomeKind.APPLIED);
    List<Precheck> asked = new ArrayList<>();

    Outcome second = client.guarded(asked::add).delete(job.id());

    assertThat(second.kind()).isEqualTo(OutcomeKind.NOT_FOUND);
    assertThat(second.executed()).isFalse();
    assertThat(second.confirmed()).isFalse();
    assertThat(second.precheck()).isNull();
    assertThat(second.message()).contains(job.id());
    assertThat(asked).isEmpty();
    assertThat(proxy.count("DELETE", "/api/v1/jobs/" + job.id())).isEqualTo(1);
  }

  @Test
  void a_stop_of_a_job_that_is_not_there_is_not_found_and_sends_no_stop() {
    Job job = gated("stopped-after-delete");
    open("stopped-after-delete");
    client.jobs().await(job.id(), JobStatus::isTerminal, Duration.ofSeconds(30));
    assertThat(client.guarded(Confirmers.assumeYes()).delete(job.id()).kind())
        .isEqualTo(OutcomeKind.APPLIED);
    List<Precheck> asked = new ArrayList<>();

    Outcome outcome = client.guarded(asked::add).stop(job.id());

    assertThat(outcome.kind()).isEqualTo(OutcomeKind.NOT_FOUND);
    assertThat(outcome.executed()).isFalse();
    assertThat(asked).isEmpty();
    assertThat(stopsOf(job)).isZero();
  }

  @Test
  void flush_shows_the_jobs_it_would_hit_and_removes_them_only_after_a_yes() {
    Job running = awaitStatus(gated("flush-running"), JobStatus.RUNNING);
    Job queued = gated("flush-queued");

    Outcome declined = client.guarded(Confirmers.denyAll()).flush(FlushScope.ACTIVE);
    assertThat(declined.kind()).isEqualTo(OutcomeKind.DECLINED);
    assertThat(declined.precheck().jobIds()).contains(running.id(), queued.id());
    assertThat(declined.precheck().prompt())
        .contains("\"flush-running\" (" + running.id() + ", RUNNING, " + service.userName() + ")")
        .contains("\"flush-queued\" (" + queued.id() + ", QUEUED, " + service.userName() + ")")
        .endsWith("this cannot be undone. Flush them? [yes/no]");
    assertThat(client.jobs().get(queued.id()).status()).isEqualTo(JobStatus.QUEUED);

    Outcome flushed = client.guarded(Confirmers.assumeYes()).flush(FlushScope.ACTIVE);
    assertThat(flushed.kind()).isEqualTo(OutcomeKind.APPLIED);
    assertThat(flushed.flush().deleted()).isEqualTo(flushed.flush().matched());
    assertThatThrownBy(() -> client.jobs().get(running.id())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> client.jobs().get(queued.id())).isInstanceOf(NotFoundException.class);
  }

  @Test
  void a_flush_whose_answer_is_lost_is_sent_again_and_the_service_starts_it_once() {
    Api owner = service.newUser("lost-answer", "parallel");
    Job two = owner.submit("{\"command\":[\"true\"]}");
    owner.awaitStatus(two.id(), JobStatus.SUCCEEDED);
    Job one = owner.submit("{\"command\":[\"sleep\",\"300\"]}");
    int before = proxy.serviceAnswers().size();
    AtomicBoolean first = new AtomicBoolean(true);
    proxy.loseAnswersOfQueries(
        r ->
            r.startsWith("POST /api/v1/jobs/flush?")
                && r.contains("dry_run=false")
                && first.getAndSet(false));

    Outcome outcome =
        admin.guarded(Confirmers.assumeYes()).flush(FlushScope.ALL, owner.name(), true, false);

    // The first answer (202, a new operation) was lost; the repeat with the same key got that
    // same operation back (200) instead of starting a second flush.
    assertThat(
            proxy.serviceAnswers().subList(before, proxy.serviceAnswers().size()).stream()
                .filter(
                    a -> a.startsWith("POST /api/v1/jobs/flush?") && a.contains("dry_run=false"))
                .map(a -> a.substring(a.lastIndexOf(' ') + 1)))
        .containsExactly("202", "200");
    assertThat(outcome.kind()).isEqualTo(OutcomeKind.APPLIED);
    assertThat(outcome.verified()).isTrue();
    assertThat(outcome.flush().deleted()).isEqualTo(2);
    owner.get("/api/v1/jobs/" + one.id()).expect(404);
    owner.get("/api/v1/jobs/" + two.id()).expect(404);
  }

  @Test
  void a_flush_of_one_owner_removes_their_jobs_only_and_says_so_in_its_question() {
    Api carol = service.newUser("carol", "parallel");
    Api dave = service.newUser("dave", "parallel");
    Job carols = carol.submit("{\"command\":[\"sleep\",\"300\"]}");
    Job daves = dave.submit("{\"command\":[\"sleep\",\"300\"]}");
    List<Precheck> asked = new ArrayList<>();

    Outcome outcome =
        admin.guarded(p -> asked.add(p)).flush(FlushScope.ACTIVE, carol.name(), true, false);

    assertThat(outcome.kind()).isEqualTo(OutcomeKind.APPLIED);
    assertThat(outcome.flush().jobIds()).containsExactly(carols.id());
    assertThat(asked)
        .singleElement()
        .satisfies(
            p -> assertThat(p.prompt()).startsWith("Flushing active jobs of " + carol.name()));
    assertThat(proxy.requestsWithQuery())
        .filteredOn(r -> r.startsWith("POST /api/v1/jobs/flush?") && r.contains("dry_run=false"))
        .last()
        .satisfies(r -> assertThat(r).contains("owner=" + carol.name()));
    carol.get("/api/v1/jobs/" + carols.id()).expect(404);
    assertThat(dave.job(daves.id()).status().isActive()).isTrue();
  }
}
