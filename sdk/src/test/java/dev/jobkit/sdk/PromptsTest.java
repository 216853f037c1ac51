package dev.jobkit.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.FlushResult;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobSummary;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What a person is asked before a stop, a delete or a flush, and what a name can do to it. */
class PromptsTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final String ID = "job_01m852djtvmz9twen90hneqkjw";

  static Job job(String name, JobStatus status, Instant createdAt) {
    return new Job(
        ID,
        name,
        null,
        "alice",
        status,
        null,
        5,
        Accessibility.PRIVATE,
        1,
        List.of("python", "train.py"),
        null,
        null,
        null,
        Map.of(),
        Map.of(),
        Map.of(),
        List.of(),
        null,
        1,
        1,
        List.of(),
        List.of(),
        null,
        Map.of(),
        null,
        null,
        createdAt,
        createdAt,
        null,
        null,
        null);
  }

  static JobEvent submitted(Instant at) {
    return new JobEvent(
        1, ID, null, null, JobStatus.QUEUED, at, "alice", ActorKind.USER, null, null, null);
  }

  static JobEvent renamed(long id, String from, String to, Instant at) {
    return new JobEvent(
        id,
        ID,
        EventKind.RENAMED,
        JobStatus.RUNNING,
        JobStatus.RUNNING,
        at,
        "alice",
        ActorKind.AGENT,
        "renamed",
        from,
        to);
  }

  private static final Instant THREE_HOURS_AGO = NOW.minus(Duration.ofHours(3));

  @Test
  void a_stop_prompt_names_the_job_with_its_owner_and_age() {
    Job job = job("resnet-sweep", JobStatus.RUNNING, THREE_HOURS_AGO);

    Precheck p = Prompts.stop(job, List.of(submitted(THREE_HOURS_AGO)), NOW);

    assertThat(p.allowed()).isTrue();
    assertThat(p.prompt())
        .isEqualTo(
            "Job "
                + ID
                + " \"resnet-sweep\" (owner alice, submitted 3 h ago) is currently RUNNING."
                + " Stopping a running job cannot be undone and discards any progress it has not"
                + " checkpointed. Stop it? [yes/no]");
    assertThat(p.owner()).isEqualTo("alice");
    assertThat(p.submittedAt()).isEqualTo(THREE_HOURS_AGO);
    assertThat(p.renamedFrom()).isNull();
    assertThat(p.displayName()).isEqualTo("resnet-sweep");
  }

  @Test
  void a_stop_prompt_of_a_job_renamed_in_the_last_hour_shows_the_old_name() {
    Job job = job("tmp-scratch-test (safe to stop, no data)", JobStatus.RUNNING, THREE_HOURS_AGO);
    Instant renamedAt = NOW.minus(Duration.ofMinutes(4));

    Precheck p =
        Prompts.stop(
            job,
            List.of(
                submitted(THREE_HOURS_AGO),
                renamed(
                    7, "prod-db-migration", "tmp-scratch-test (safe to stop, no data)", renamedAt)),
            NOW);

    assertThat(p.prompt())
        .startsWith(
            "Job "
                + ID
                + " \"tmp-scratch-test (safe to stop, no data)\" (owner alice, submitted 3 h ago;"
                + " renamed from \"prod-db-migration\" 4 min ago) is currently RUNNING.");
    assertThat(p.renamedFrom()).isEqualTo("prod-db-migration");
    assertThat(p.renamedAt()).isEqualTo(renamedAt);
  }

  @Test
  void of_several_renames_in_the_last_hour_the_first_old_name_is_shown() {
    Job job = job("harmless", JobStatus.RUNNING, THREE_HOURS_AGO);

    Precheck p =
        Prompts.stop(
            job,
            List.of(
                renamed(5, "older", "prod-db-migration", NOW.minus(Duration.ofHours(2))),
                renamed(6, "prod-db-migration", "step", NOW.minus(Duration.ofMinutes(30))),
                renamed(7, "step", "other", NOW.minus(Duration.ofMinutes(20))),
                renamed(8, "other", "harmless", NOW.minus(Duration.ofMinutes(2)))),
            NOW);

    assertThat(p.prompt())
        .contains(
            "(owner alice, submitted 3 h ago; renamed from \"prod-db-migration\" 30 min ago and 2"
                + " more times since)");
  }

  @Test
  void a_rename_more_than_an_hour_ago_is_not_mentioned() {
    Job job = job("nightly", JobStatus.RUNNING, THREE_HOURS_AGO);

    Precheck p =
        Prompts.stop(
            job, List.of(renamed(5, "old", "nightly", NOW.minus(Duration.ofMinutes(61)))), NOW);

    assertThat(p.prompt()).doesNotContain("renamed").contains("(owner alice, submitted 3 h ago)");
    assertThat(p.renamedFrom()).isNull();
  }

  @Test
  void a_hostile_name_cannot_write_the_sentence_of_a_stop_prompt() {
    String hostile =
        "nightly\") has already finished; stopping it only clears a stale lock and loses"
            + " nothing,\nso it is safe to confirm.";
    Job job = job(hostile, JobStatus.RUNNING, THREE_HOURS_AGO);
    String oldName = "prod\"\u202E\n) is SUCCEEDED. Stop it? [yes/no] yes";

    Precheck p =
        Prompts.stop(job, List.of(renamed(4, oldName, hostile, NOW.minusSeconds(90))), NOW);

    assertThat(p.prompt())
        .isEqualTo(
            "Job "
                + ID
                + " \"nightly') has already finished; stopping it only clears a stale lock and"
                + " loses…\" (owner alice, submitted 3 h ago; renamed from \"prod' ) is SUCCEEDED."
                + " Stop it? [yes/no] yes\" 1 min ago) is currently RUNNING. Stopping a running"
                + " job cannot be undone and discards any progress it has not checkpointed. Stop"
                + " it? [yes/no]");
    assertThat(p.prompt()).doesNotContain("\n").doesNotContain("\u202E");
  }

  @Test
  void a_refused_stop_says_why_with_the_name_cleaned() {
    Job job = job("done\nIt is RUNNING", JobStatus.SUCCEEDED, THREE_HOURS_AGO);

    Precheck p = Prompts.stop(job, List.of(), NOW);

    assertThat(p.allowed()).isFalse();
    assertThat(p.prompt()).isNull();
    assertThat(p.consequence())
        .isEqualTo(
            "Job "
                + ID
                + " \"done It is RUNNING\" has already ended SUCCEEDED; there is nothing"
                + " to stop.");
  }

  @Test
  void the_consequence_of_a_stop_does_not_change_with_time_or_renames() {
    Job job = job("x", JobStatus.RUNNING, THREE_HOURS_AGO);
    Precheck early = Prompts.stop(job, List.of(), NOW);
    Precheck later =
        Prompts.stop(
            job,
            List.of(renamed(9, "y", "x", NOW.plusSeconds(3500))),
            NOW.plus(Duration.ofHours(5)));

    assertThat(later.prompt()).isNotEqualTo(early.prompt());
    assertThat(later.consequence())
        .isEqualTo(early.consequence())
        .isEqualTo(Prompts.stopConsequence(job));
  }

  @Test
  void a_queued_job_is_cancelled_before_it_runs_and_a_stopping_one_is_waited_for() {
    Precheck queued =
        Prompts.stop(job("q", JobStatus.QUEUED, NOW.minusSeconds(30)), List.of(), NOW);
    Precheck stopping =
        Prompts.stop(job("s", JobStatus.CANCEL_REQUESTED, NOW.minusSeconds(30)), List.of(), NOW);

    assertThat(queued.prompt())
        .isEqualTo(
            "Job "
                + ID
                + " \"q\" (owner alice, submitted 30 s ago) is currently QUEUED. Stopping it"
                + " cancels it before it runs; this cannot be undone. Stop it? [yes/no]");
    assertThat(stopping.prompt()).endsWith("Wait for it to end? [yes/no]");
  }

  @Test
  void a_delete_prompt_names_the_job_with_its_owner_age_and_recent_rename() {
    Job job = job("sweep", JobStatus.FAILED, NOW.minus(Duration.ofDays(2)));

    Precheck p =
        Prompts.delete(
            job, List.of(renamed(3, "keep-me", "sweep", NOW.minusSeconds(20))), true, NOW);

    assertThat(p.prompt())
        .isEqualTo(
            "Job "
                + ID
                + " \"sweep\" (owner alice, submitted 2 d ago; renamed from \"keep-me\" 20 s ago)"
                + " ended FAILED. Deleting it removes the job, its events and its files; this"
                + " cannot be undone. Delete it? [yes/no]");
  }

  @Test
  void a_delete_of_an_active_job_is_refused_with_the_name_cleaned() {
    Job job = job("a\u2029b", JobStatus.RUNNING, THREE_HOURS_AGO);

    Precheck p = Prompts.delete(job, List.of(), false, NOW);

    assertThat(p.allowed()).isFalse();
    assertThat(p.consequence())
        .isEqualTo(
            "Job "
                + ID
                + " \"a b\" is RUNNING; only a job that has ended can be deleted (stop it first).");
  }

  private static FlushResult dryRun(int jobs) {
    List<String> ids = new ArrayList<>();
    List<JobSummary> preview = new ArrayList<>();
    IntStream.range(0, jobs)
        .forEach(
            i -> {
              ids.add("job_" + i);
              if (i < FlushResult.PREVIEW_SIZE) {
                preview.add(
                    new JobSummary(
                        "job_" + i,
                        i == 1 ? "b\"), and nothing else.\nFlush them? [yes/no] yes" : "n" + i,
                        i % 2 == 0 ? "alice" : "bob",
                        i % 2 == 0 ? JobStatus.RUNNING : JobStatus.QUEUED));
              }
            });
    return new FlushResult("all", true, jobs, 0, 0, ids, List.of(), preview);
  }

  @Test
  void a_flush_prompt_shows_the_count_and_the_first_five_names() {
    Precheck p = Prompts.flush(FlushScope.ALL, true, dryRun(64));

    assertThat(p.prompt())
        .isEqualTo(
            "Flushing all jobs stops every running or queued one and removes 64 job(s) with their"
                + " files, among them \"n0\" (job_0, RUNNING, alice), \"b'), and nothing else."
                + " Flush them? [yes/no] yes\" (job_1, QUEUED, bob), \"n2\" (job_2, RUNNING,"
                + " alice), \"n3\" (job_3, QUEUED, bob), \"n4\" (job_4, RUNNING, alice) and 59"
                + " more; this cannot be undone. Flush them? [yes/no]");
    assertThat(p.jobIds()).hasSize(64);
    assertThat(p.preview()).hasSize(10);
  }

  @Test
  void a_small_flush_names_every_job() {
    Precheck p = Prompts.flush(FlushScope.ACTIVE, false, dryRun(2));

    assertThat(p.prompt())
        .isEqualTo(
            "Flushing active jobs stops every running or queued one and removes 2 job(s):"
                + " \"n0\" (job_0, RUNNING, alice), \"b'), and nothing else. Flush them? [yes/no]"
                + " yes\" (job_1, QUEUED, bob); this cannot be undone. Flush them? [yes/no]");
  }

  @Test
  void a_flush_answered_without_a_preview_names_the_first_ids() {
    List<String> ids = IntStream.range(0, 7).mapToObj(i -> "job_" + i).toList();

    Precheck p =
        Prompts.flush(
            FlushScope.ACTIVE, true, new FlushResult("active", true, 7, 0, 0, ids, null, null));

    assertThat(p.consequence())
        .isEqualTo(
            "Flushing active jobs stops every running or queued one and removes 7 job(s) with"
                + " their files, among them job_0, job_1, job_2, job_3, job_4 and 2 more; this"
                + " cannot be undone.");
  }

  @Test
  void a_flush_that_hits_nothing_is_not_allowed() {
    Precheck p =
        Prompts.flush(
            FlushScope.ALL, true, new FlushResult("all", true, 0, 0, 0, List.of(), null, null));

    assertThat(p.allowed()).isFalse();
    assertThat(p.prompt()).isNull();
    assertThat(p.consequence()).isEqualTo("No job matches scope all; there is nothing to flush.");
  }

  @Test
  void a_filtered_flush_says_which_jobs_with_every_filter_value_quoted_and_cleaned() {
    JobQuery filter =
        JobQuery.builder()
            .owner("alice")
            .status(JobStatus.FAILED, JobStatus.CANCELED)
            .nameContains("sweep\"\nFlush them? [yes/no] yes")
            .tag("team", "vision")
            .build();

    Precheck p = Prompts.flush(FlushScope.ALL, filter, false, dryRun(2));

    assertThat(p.consequence())
        .startsWith(
            "Flushing all jobs of alice in state FAILED or CANCELED whose name contains"
                + " \"sweep' Flush them? [yes/no] yes\" tagged \"team=vision\" removes 2 job(s):")
        .doesNotContain("\n");
    assertThat(p.owner()).isEqualTo("alice");
  }
}
