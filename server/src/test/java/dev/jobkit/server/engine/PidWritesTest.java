package dev.jobkit.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.JobStore.StartedPids;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Started pids are written together after a short wait, unless their attempt ends first. */
class PidWritesTest {

  private final JobStore store = mock(JobStore.class);
  private final PidWrites writes = new PidWrites(store);

  @AfterEach
  void stop() {
    writes.stop();
  }

  @SuppressWarnings("unchecked")
  private List<List<StartedPids>> written(int times) {
    ArgumentCaptor<List<StartedPids>> batches = ArgumentCaptor.forClass(List.class);
    verify(store, timeout(10_000).times(times)).recordPids(batches.capture());
    return new ArrayList<>(batches.getAllValues());
  }

  @Test
  void attempts_started_within_the_wait_are_written_in_one_commit() {
    StartedPids a = new StartedPids("job_a", 1, List.of(101L, 102L));
    StartedPids b = new StartedPids("job_b", 2, List.of(201L));
    writes.started(a);
    writes.started(b);

    assertThat(written(1)).singleElement().satisfies(batch -> assertThat(batch).contains(a, b));
  }

  @Test
  void an_attempt_that_ended_first_is_left_to_its_end() {
    writes.started(new StartedPids("job_quick", 1, List.of(301L)));
    writes.ended("job_quick", 1);
    StartedPids slow = new StartedPids("job_slow", 1, List.of(401L));
    writes.started(slow);

    assertThat(written(1)).singleElement().isEqualTo(List.of(slow));
  }

  @Test
  void the_end_of_an_earlier_attempt_leaves_the_retrys_pids_to_be_written() {
    StartedPids retry = new StartedPids("job_r", 2, List.of(501L));
    writes.started(retry);
    writes.ended("job_r", 1);

    assertThat(written(1)).singleElement().isEqualTo(List.of(retry));
  }

  @Test
  void pids_started_after_a_write_go_in_the_next() {
    StartedPids first = new StartedPids("job_1", 1, List.of(601L));
    writes.started(first);
    verify(store, timeout(10_000)).recordPids(anyList());
    StartedPids second = new StartedPids("job_2", 1, List.of(602L));
    writes.started(second);

    assertThat(written(2)).containsExactly(List.of(first), List.of(second));
  }
}
