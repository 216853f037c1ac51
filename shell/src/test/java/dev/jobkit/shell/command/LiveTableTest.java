package dev.jobkit.shell.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.Progress;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.shell.render.Style;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The live table of {@code job watch} and {@code job list --watch}: which jobs it shows in which
 * order, in how many lines, and how far each redraw moves the cursor back.
 */
class LiveTableTest {

  private static final Instant NOW = Instant.parse("2026-11-23T20:44:00Z");

  private static Job job(
      String id, JobStatus status, Instant started, Instant finished, Progress progress) {
    return new Job(
        id,
        "training-run-with-a-name-longer-than-the-room-at-80-columns",
        null,
        "alice",
        status,
        null,
        5,
        Accessibility.PRIVATE,
        1,
        List.of("sleep", "300"),
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
        progress,
        Map.of(),
        null,
        null,
        NOW.minusSeconds(300),
        NOW,
        started,
        finished,
        null);
  }

  private static Job running(String id) {
    return job(id, JobStatus.RUNNING, NOW.minusSeconds(200), null, null);
  }

  private static String id(int i) {
    return String.format("job_01m852djtvmz9twen90hne%04d", i);
  }

  @Test
  void at_80x24_thirty_jobs_take_23_lines_none_wider_than_80_and_a_redraw_goes_up_by_them() {
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      jobs.add(running(id(i)));
    }
    StringWriter s = new StringWriter();
    Renderer render = new Renderer(new PrintWriter(s), Style.plain(), () -> 80, () -> 24);

    int first = render.redraw(jobs, "(none)", 0);
    String drawn = s.toString();
    s.getBuffer().setLength(0);
    int second = render.redraw(jobs, "(none)", first);

    assertThat(first).isEqualTo(23).isEqualTo(second);
    List<String> lines = drawn.replaceAll("\u001B\\[[0-9;]*[A-Za-z]", "").lines().toList();
    assertThat(lines).hasSize(23);
    assertThat(lines.get(0)).startsWith("ID").contains("ELAPSED").contains("PROGRESS");
    assertThat(lines.get(1)).startsWith(id(0));
    assertThat(lines.get(21)).startsWith(id(20));
    assertThat(lines.get(22)).isEqualTo("… and 9 more");
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    // Up over the 23 lines drawn, each cleared as it is written over, and below them cleared.
    assertThat(drawn).startsWith("\u001B[2KID").endsWith("\u001B[J");
    assertThat(s.toString()).startsWith("\u001B[23F\u001B[2K" + lines.get(0)).endsWith("\u001B[J");
    assertThat(render.liveRowsShown(30)).isEqualTo(21);
    assertThat(render.liveRowsShown(5)).isEqualTo(5);
  }

  @Test
  void elapsed_counts_from_the_start_or_while_queued_from_the_submission_and_stops_at_the_end() {
    Job queued = job(id(1), JobStatus.QUEUED, null, null, null);
    Job ran = job(id(2), JobStatus.SUCCEEDED, NOW.minusSeconds(200), NOW.minusSeconds(80), null);

    assertThat(Renderer.elapsed(running(id(0)), NOW)).isEqualTo("3m 20s");
    assertThat(Renderer.elapsed(queued, NOW)).isEqualTo("5m 0s");
    assertThat(Renderer.elapsed(ran, NOW)).isEqualTo("2m 0s");
  }

  @Test
  void progress_is_the_percent_and_the_message_on_one_line() {
    Progress both = new Progress(42.4, "epoch 3/10\nloss 0.3", NOW);
    Progress message = new Progress(null, "warming up", NOW);

    assertThat(Renderer.progress(job(id(0), JobStatus.RUNNING, NOW, null, both)))
        .isEqualTo("42% epoch 3/10 loss 0.3");
    assertThat(Renderer.progress(job(id(0), JobStatus.RUNNING, NOW, null, message)))
        .isEqualTo("warming up");
    assertThat(Renderer.progress(running(id(0)))).isEmpty();
  }

  @Test
  void a_list_read_again_puts_new_and_changed_jobs_first_keeps_the_others_and_drops_those_gone() {
    LiveJobs live = new LiveJobs(null, null, false, "(none)");
    Job a = running(id(1));
    Job b = running(id(2));
    Job c = running(id(3));
    LiveJobs.Changes first = live.relisted(List.of(a, b, c));
    assertThat(first.changed()).containsExactly(a, b, c);

    Job d = running(id(4));
    Job bEnded = job(id(2), JobStatus.SUCCEEDED, NOW.minusSeconds(9), NOW, null);
    LiveJobs.Changes second = live.relisted(List.of(d, a, bEnded, c));

    assertThat(second.changed()).containsExactly(d, bEnded);
    assertThat(second.left()).isEmpty();
    assertThat(live.jobs()).containsExactly(d, bEnded, a, c);

    LiveJobs.Changes third = live.relisted(List.of(d, bEnded, a));

    assertThat(third.changed()).isEmpty();
    assertThat(third.left()).containsExactly(c.id());
    assertThat(live.jobs()).containsExactly(d, bEnded, a);
  }
}
