package dev.jobkit.sdk.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The operation × state table and the risk of each operation, as DESIGN.md states them. */
class OperationTest {

  /**
   * The design's table, cell by cell: update, logs, share and results in any state; stop in any
   * non-terminal state; delete in terminal states only; flush hits jobs of any state; terminal in
   * RUNNING only.
   */
  private static final String TABLE =
      """
      state             UPDATE  STOP  DELETE  FLUSH  LOGS  TERMINAL  SHARE  RESULTS
      AWAITING_PARENTS  yes     yes   -       yes    yes   -         yes    yes
      QUEUED            yes     yes   -       yes    yes   -         yes    yes
      CLAIMED           yes     yes   -       yes    yes   -         yes    yes
      STAGED_IN         yes     yes   -       yes    yes   -         yes    yes
      PREPROCESSED      yes     yes   -       yes    yes   -         yes    yes
      RUNNING           yes     yes   -       yes    yes   yes       yes    yes
      RUN_DONE          yes     yes   -       yes    yes   -         yes    yes
      POSTPROCESSED     yes     yes   -       yes    yes   -         yes    yes
      STAGED_OUT        yes     yes   -       yes    yes   -         yes    yes
      SUCCEEDED         yes     -     yes     yes    yes   -         yes    yes
      RUN_ERROR         yes     yes   -       yes    yes   -         yes    yes
      RUN_TIMEOUT       yes     yes   -       yes    yes   -         yes    yes
      RESTART_READY     yes     yes   -       yes    yes   -         yes    yes
      CANCEL_REQUESTED  yes     yes   -       yes    yes   -         yes    yes
      FAILED            yes     -     yes     yes    yes   -         yes    yes
      CANCELED          yes     -     yes     yes    yes   -         yes    yes
      """;

  /** One (operation, status, allowed) row per cell of {@link #TABLE}. */
  static Stream<Arguments> cells() {
    List<String[]> rows = TABLE.strip().lines().map(line -> line.strip().split("\\s+")).toList();
    String[] header = rows.get(0);
    List<Arguments> cells = new ArrayList<>();
    for (String[] row : rows.subList(1, rows.size())) {
      for (int column = 1; column < header.length; column++) {
        cells.add(
            Arguments.of(
                Operation.valueOf(header[column]),
                JobStatus.valueOf(row[0]),
                switch (row[column]) {
                  case "yes" -> true;
                  case "-" -> false;
                  default -> throw new IllegalStateException("bad cell " + row[column]);
                }));
      }
    }
    return cells.stream();
  }

  @Test
  void the_expected_table_has_one_cell_for_every_operation_in_every_state() {
    List<Arguments> cells = cells().toList();

    assertThat(cells).hasSize(Operation.values().length * JobStatus.values().length).hasSize(128);
    for (Operation operation : Operation.values()) {
      for (JobStatus status : JobStatus.values()) {
        assertThat(cells)
            .as("cell %s × %s", operation, status)
            .filteredOn(c -> c.get()[0] == operation && c.get()[1] == status)
            .hasSize(1);
      }
    }
  }

  @ParameterizedTest(name = "{0} in {1}: {2}")
  @MethodSource("cells")
  void every_cell_of_the_operation_state_table_matches_the_design(
      Operation operation, JobStatus status, boolean allowed) {
    assertThat(operation.allowedIn(status)).isEqualTo(allowed);
    assertThat(operation.allowedStatuses().contains(status)).isEqualTo(allowed);
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "UPDATE, LOW",
    "STOP, HIGH",
    "DELETE, HIGH",
    "FLUSH, HIGH",
    "LOGS, READ",
    "TERMINAL, MEDIUM",
    "SHARE, LOW",
    "RESULTS, READ"
  })
  void every_operation_carries_the_risk_of_the_design(Operation operation, Risk risk) {
    assertThat(operation.risk()).isEqualTo(risk);
  }

  @Test
  void stop_delete_and_flush_and_only_they_go_through_the_guarded_protocol() {
    Set<Operation> guarded = EnumSet.noneOf(Operation.class);
    Arrays.stream(Operation.values()).filter(Operation::guarded).forEach(guarded::add);

    assertThat(guarded)
        .containsExactlyInAnyOrder(Operation.STOP, Operation.DELETE, Operation.FLUSH)
        .allSatisfy(o -> assertThat(o.risk()).isEqualTo(Risk.HIGH));
  }

  @ParameterizedTest
  @EnumSource(Operation.class)
  void every_operation_is_found_by_its_wire_name(Operation operation) {
    assertThat(Operation.fromWireName(operation.wireName())).contains(operation);
    assertThat(Operation.fromWireName(operation.name())).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Operation.class)
  void wire_names_are_the_lower_case_names_and_allowed_states_cannot_be_changed(
      Operation operation) {
    assertThat(operation.wireName()).isEqualTo(operation.name().toLowerCase(Locale.ROOT));
    assertThatThrownBy(() -> operation.allowedStatuses().add(JobStatus.QUEUED))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
