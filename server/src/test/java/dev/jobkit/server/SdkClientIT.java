package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.InvalidStateException;
import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SDK against the real service: every call over HTTP, real database, real processes. */
class SdkClientIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static JobkitServer server;
  static JobkitClient client;

  /** The admin, for what only an admin may do: managing users and keys. */
  static JobkitClient admin;

  @BeforeAll
  static void start() {
    server = service.server();
    client = service.client(service.userKey());
    admin = service.client(JobkitServer.ADMIN_KEY);
  }

  @Test
  void submit_await_tail_and_events_through_the_sdk() {
    Job job =
        client
            .jobs()
            .submit(JobSpec.builder().shell("echo sdk-says-hi").displayName("sdk").build());

    Job done = client.jobs().await(job.id(), JobStatus::isTerminal, Duration.ofSeconds(30));

    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(client.jobs().logs(job.id()).tail().content()).isEqualTo("sdk-says-hi\n");
    assertThat(client.jobs().events(job.id()))
        .extracting(JobEvent::toStatus)
        .endsWith(JobStatus.RUNNING, JobStatus.SUCCEEDED);
  }

  @Test
  void errors_arrive_as_typed_exceptions_with_the_problem() {
    assertThatThrownBy(() -> client.jobs().get("job_nope"))
        .isInstanceOf(NotFoundException.class)
        .satisfies(e -> assertThat(((NotFoundException) e).code()).contains("not_found"));
    assertThatThrownBy(
            () -> client.jobs().submit(JobSpec.builder().shell("x").priority(12).build()))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.errors()).extracting(f -> f.field()).containsExactly("priority"));
  }

  @Test
  void list_all_follows_cursors_lazily_and_update_changes_fields() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(
          client
              .jobs()
              .submit(JobSpec.builder().command("true").tag("batch", "paged").build())
              .id());
    }
    List<String> listed =
        client
            .jobs()
            .listAll(
                JobQuery.builder().owner(service.userName()).tag("batch", "paged").limit(2).build())
            .map(Job::id)
            .toList();
    List<String> newestFirst = new ArrayList<>(ids);
    java.util.Collections.reverse(newestFirst);
    assertThat(listed).containsExactlyElementsOf(newestFirst);

    Job updated = client.jobs().update(ids.get(0), new JobUpdate("renamed", null, 8, null, null));
    assertThat(updated.displayName()).isEqualTo("renamed");
    assertThat(updated.priority()).isEqualTo(8);
  }

  @Test
  void a_listed_running_job_has_its_pods_and_equals_the_job_read_alone() {
    String tag = "sdk-listed-" + System.nanoTime();
    Job job =
        client
            .jobs()
            .submit(
                JobSpec.builder()
                    .shell(service.gates().script(tag))
                    .podCount(2)
                    .tag("case", tag)
                    .build());
    client.jobs().await(job.id(), s -> s == JobStatus.RUNNING, Duration.ofSeconds(60));

    // RUNNING is recorded as the pods start; their pids follow once they exist.
    Job listed =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    client
                        .jobs()
                        .listAll(JobQuery.builder().tag("case", tag).build())
                        .collect(java.util.stream.Collectors.toList())
                        .get(0),
                j -> j.pods().stream().allMatch(p -> p.pid() != null));

    assertThat(listed.pods()).hasSize(2).allSatisfy(p -> assertThat(p.pid()).isNotNull());
    assertThat(listed.attempts()).singleElement().satisfies(a -> assertThat(a.number()).isOne());
    // Held by its gate, the job does not move between the two reads.
    assertThat(listed).isEqualTo(client.jobs().get(job.id()));
    assertThat(listed.metrics()).isEmpty();
    assertThat(listed.parents()).isEmpty();
    assertThat(listed.env()).isEmpty();

    service.gates().open(tag);
    client.jobs().await(job.id(), JobStatus::isTerminal, Duration.ofSeconds(60));
  }

  @Test
  void guarded_stop_denied_sends_no_stop_and_confirmed_ends_canceled_verified() {
    Job job = client.jobs().submit(JobSpec.builder().command("sleep", "60").build());
    client.jobs().await(job.id(), s -> s == JobStatus.RUNNING, Duration.ofSeconds(30));

    Outcome denied = client.guarded(Confirmers.denyAll()).stop(job.id());
    assertThat(denied.kind()).isEqualTo(OutcomeKind.DECLINED);
    assertThat(client.jobs().events(job.id()))
        .noneMatch(e -> e.toStatus() == JobStatus.CANCEL_REQUESTED);

    Outcome applied = client.guarded(Confirmers.assumeYes()).stop(job.id());
    assertThat(applied.kind()).isEqualTo(OutcomeKind.APPLIED);
    assertThat(applied.verified()).isTrue();
    assertThat(applied.finalStatus()).isEqualTo(JobStatus.CANCELED);
    assertThat(applied.precheck().prompt())
        .contains("is currently RUNNING")
        .contains("discards any progress")
        .endsWith("[yes/no]");

    Outcome again = client.guarded(Confirmers.assumeYes()).stop(job.id());
    assertThat(again.kind()).isEqualTo(OutcomeKind.ALREADY_TERMINAL);
  }

  @Test
  void guarded_delete_refuses_an_active_job_and_removes_an_ended_one() {
    Job running = client.jobs().submit(JobSpec.builder().command("sleep", "60").build());
    Outcome refused = client.guarded(Confirmers.assumeYes()).delete(running.id());
    assertThat(refused.kind()).isEqualTo(OutcomeKind.NOT_ALLOWED_IN_STATE);
    assertThat(refused.confirmed()).isFalse();
    client.guarded(Confirmers.assumeYes()).stop(running.id());

    Outcome deleted = client.guarded(Confirmers.assumeYes()).delete(running.id());
    assertThat(deleted.kind()).isEqualTo(OutcomeKind.APPLIED);
    assertThatThrownBy(() -> client.jobs().get(running.id())).isInstanceOf(NotFoundException.class);
  }

  @Test
  void watch_delivers_live_transitions() {
    Job job = client.jobs().submit(JobSpec.builder().command("sleep", "30").build());
    try (var events = client.jobs().watch(job.id())) {
      client.jobs().await(job.id(), s -> s == JobStatus.RUNNING, Duration.ofSeconds(30));
      assertThatThrownBy(
              () -> client.jobs().update(job.id(), new JobUpdate(null, null, 0, null, null)))
          .isInstanceOf(ValidationException.class);
      client.guarded(Confirmers.assumeYes()).stop(job.id());
      List<JobStatus> seen = new ArrayList<>();
      Optional<JobEvent> e;
      while ((e = events.next(Duration.ofSeconds(30))).isPresent()) {
        seen.add(e.get().toStatus());
        if (e.get().toStatus() == JobStatus.CANCELED) {
          break;
        }
      }
      assertThat(seen).contains(JobStatus.CANCEL_REQUESTED, JobStatus.CANCELED);
    }
  }

  @Test
  void watch_delivers_a_rename_as_a_rename_and_an_await_goes_on_until_the_job_ends()
      throws Exception {
    Job job =
        client
            .jobs()
            .submit(
                JobSpec.builder()
                    .shell(service.gates().script("renamed"))
                    .displayName("before")
                    .build());
    client.jobs().await(job.id(), s -> s == JobStatus.RUNNING, Duration.ofSeconds(30));
    CompletableFuture<Job> ended =
        CompletableFuture.supplyAsync(
            () -> client.jobs().await(job.id(), JobStatus::isTerminal, Duration.ofSeconds(60)));
    try (var events = client.jobs().watch(job.id())) {
      client.jobs().update(job.id(), new JobUpdate("after", null, null, null, null));

      JobEvent rename = events.next(Duration.ofSeconds(30)).orElseThrow();

      assertThat(rename.kind()).isEqualTo(EventKind.RENAMED);
      assertThat(rename.isTransition()).isFalse();
      assertThat(rename.oldValue()).isEqualTo("before");
      assertThat(rename.newValue()).isEqualTo("after");
      assertThat(rename.toStatus()).isEqualTo(JobStatus.RUNNING);
      assertThat(ended).isNotDone();
      service.gates().open("renamed");
      assertThat(ended.get(60, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.SUCCEEDED);
      JobEvent next = events.next(Duration.ofSeconds(30)).orElseThrow();
      assertThat(next.isTransition()).isTrue();
    }
  }

  @Test
  void invalid_state_carries_current_and_allowed_statuses() {
    Job job = client.jobs().submit(JobSpec.builder().command("true").build());
    client.jobs().await(job.id(), JobStatus::isTerminal, Duration.ofSeconds(30));
    Outcome flushDry = client.guarded(Confirmers.denyAll()).flush(FlushScope.ALL);
    assertThat(flushDry.kind()).isEqualTo(OutcomeKind.DECLINED);
    assertThat(flushDry.precheck().jobIds()).contains(job.id());
    assertThat(client.jobs().get(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(InvalidStateException.class).isAssignableTo(RuntimeException.class);
  }

  @Test
  void batch_submit_resolves_refs_and_runs_children_after_parents() {
    List<Job> jobs =
        client
            .jobs()
            .submitBatch(
                List.of(
                    JobSpec.builder().ref("prep").shell("echo prep").build(),
                    JobSpec.builder().ref("train").shell("echo train").parents("prep").build()));

    assertThat(jobs).hasSize(2);
    assertThat(jobs.get(1).parents()).containsExactly(jobs.get(0).id());
    Job train =
        client.jobs().await(jobs.get(1).id(), JobStatus::isTerminal, Duration.ofSeconds(30));
    assertThat(train.status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void users_keys_and_scheduling_modes_through_the_sdk() {
    String aliceName = service.userName() + "-alice";
    assertThat(admin.users().me().role()).isEqualTo(dev.jobkit.sdk.users.Role.ADMIN);
    dev.jobkit.sdk.users.User alice =
        admin.users().create(new dev.jobkit.sdk.users.NewUser(aliceName, null, null));
    assertThat(alice.role()).isEqualTo(dev.jobkit.sdk.users.Role.USER);
    dev.jobkit.sdk.users.ApiKey key = admin.users().createKey(aliceName);
    assertThat(
            admin
                .users()
                .setSchedulingMode(aliceName, dev.jobkit.sdk.users.SchedulingMode.SERIAL)
                .schedulingMode())
        .isEqualTo(dev.jobkit.sdk.users.SchedulingMode.SERIAL);
    assertThat(admin.users().list()).extracting(u -> u.name()).contains("admin", aliceName);

    try (JobkitClient asAlice =
        JobkitClient.builder().baseUrl(server.baseUrl()).apiKey(key.key()).build()) {
      assertThat(asAlice.users().me().name()).isEqualTo(aliceName);
      assertThatThrownBy(() -> asAlice.users().list())
          .isInstanceOf(dev.jobkit.sdk.ForbiddenException.class);
      // A private job of another user: the class user's, as the admin makes no jobs here.
      Job othersJob = client.jobs().submit(JobSpec.builder().command("true").build());
      assertThatThrownBy(() -> asAlice.jobs().get(othersJob.id()))
          .isInstanceOf(NotFoundException.class);
    }
    try (JobkitClient nobody =
        JobkitClient.builder().baseUrl(server.baseUrl()).apiKey("jk_wrong").build()) {
      assertThatThrownBy(() -> nobody.users().me())
          .isInstanceOf(dev.jobkit.sdk.AuthenticationException.class);
    }
  }

  @Test
  void log_follow_streams_every_line_then_the_final_status() {
    Job job =
        client
            .jobs()
            .submit(
                JobSpec.builder()
                    .shell("for i in 1 2 3; do echo line $i; sleep 0.2; done")
                    .build());
    StringBuffer seen = new StringBuffer();
    try (var follow = client.jobs().logs(job.id()).follow(seen::append)) {
      assertThat(follow.awaitEnd(Duration.ofSeconds(30))).contains(JobStatus.SUCCEEDED);
    }
    assertThat(seen.toString()).isEqualTo("line 1\nline 2\nline 3\n");
  }

  @Test
  void watching_all_after_an_event_id_replays_what_came_after_it() {
    Job first = client.jobs().submit(JobSpec.builder().command("true").build());
    client.jobs().await(first.id(), JobStatus::isTerminal, Duration.ofSeconds(30));
    long last =
        client.jobs().events(first.id()).get(client.jobs().events(first.id()).size() - 1).id();
    Job second = client.jobs().submit(JobSpec.builder().command("true").build());
    client.jobs().await(second.id(), JobStatus::isTerminal, Duration.ofSeconds(30));

    List<JobEvent> replayed = new ArrayList<>();
    try (var events = client.jobs().watchAllAfter(last)) {
      Optional<JobEvent> e;
      while ((e = events.next(Duration.ofSeconds(30))).isPresent()) {
        if (e.get().jobId().equals(second.id())) {
          replayed.add(e.get());
          if (e.get().toStatus().isTerminal()) {
            break;
          }
        }
      }
    }
    assertThat(replayed).extracting(JobEvent::id).isSorted().allMatch(id -> id > last);
    assertThat(replayed)
        .extracting(JobEvent::toStatus)
        .containsExactlyElementsOf(
            client.jobs().events(second.id()).stream().map(JobEvent::toStatus).toList());
  }
}
