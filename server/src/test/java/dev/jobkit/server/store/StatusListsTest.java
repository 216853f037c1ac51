package dev.jobkit.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store's SQL lists of states are the lifecycle table's: run against a database holding one job
 * in every state, each query hits exactly the jobs whose state {@code JobStatus} puts in its set.
 */
class StatusListsTest {

  private JdbcJobStore store;
  private final Map<JobStatus, String> ownerOf = new EnumMap<>(JobStatus.class);
  private final Map<JobStatus, String> idOf = new EnumMap<>(JobStatus.class);

  @BeforeEach
  void oneJobInEveryState() {
    JdbcDataSource db = new JdbcDataSource();
    db.setURL("jdbc:h2:mem:statuses-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    StoreFixtures.migrate(db);
    store = StoreFixtures.store(db);
    for (JobStatus status : JobStatus.values()) {
      String owner = "owner-" + status.name().toLowerCase();
      String id = "job_" + status.name().toLowerCase();
      ownerOf.put(status, owner);
      idOf.put(status, id);
      store.insert(List.of(StoreFixtures.job(id, owner, status, List.of())), Actor.RECOVERY, null);
    }
  }

  private static Set<JobStatus> where(java.util.function.Predicate<JobStatus> rule) {
    return Arrays.stream(JobStatus.values()).filter(rule).collect(Collectors.toSet());
  }

  @Test
  void the_lists_are_the_sets_of_the_lifecycle_table() {
    assertThat(JdbcJobStore.TERMINAL)
        .containsExactlyInAnyOrderElementsOf(where(JobStatus::isTerminal));
    assertThat(JdbcJobStore.CLAIMABLE)
        .containsExactlyInAnyOrderElementsOf(where(JobStatus::isClaimable));
  }

  @Test
  void only_a_job_in_a_terminal_state_is_deleted() {
    for (JobStatus status : JobStatus.values()) {
      assertThat(store.deleteTerminal(idOf.get(status)))
          .as("%s", status)
          .isEqualTo(status.isTerminal());
    }
    assertThat(store.statuses(idOf.values()).keySet())
        .containsExactlyInAnyOrderElementsOf(
            where(JobStatus::isActive).stream().map(idOf::get).toList());
  }

  @Test
  void exactly_the_owners_of_claimable_jobs_have_jobs_to_dispatch() {
    assertThat(store.ownersWithClaimableJobs())
        .containsExactlyInAnyOrderElementsOf(
            where(JobStatus::isClaimable).stream().map(ownerOf::get).toList());
    for (JobStatus status : JobStatus.values()) {
      Optional<JobStore.Candidate> next = store.nextClaimable(ownerOf.get(status));
      assertThat(next.map(JobStore.Candidate::id))
          .as("%s", status)
          .isEqualTo(status.isClaimable() ? Optional.of(idOf.get(status)) : Optional.empty());
    }
  }
}
