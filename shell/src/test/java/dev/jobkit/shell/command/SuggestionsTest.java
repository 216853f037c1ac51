package dev.jobkit.shell.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The "did you mean" matching: which known words count as close to a mistyped one. */
class SuggestionsTest {

  private static final List<String> JOB =
      List.of("submit", "list", "get", "update", "stop", "cancel", "delete", "flush", "logs");

  @Test
  void two_swapped_neighbours_are_one_typo() {
    assertThat(Suggestions.closest("lsit", JOB)).containsExactly("list");
    assertThat(Suggestions.closest("jbo", List.of("job", "user", "service")))
        .containsExactly("job");
  }

  @Test
  void a_word_within_two_edits_is_close_and_the_nearest_ones_win() {
    assertThat(Suggestions.closest("stauts", List.of("status", "owner", "tag")))
        .containsExactly("status");
    assertThat(Suggestions.closest("delte", JOB)).containsExactly("delete");
    assertThat(Suggestions.closest("lst", JOB)).containsExactly("list");
  }

  @Test
  void three_edits_are_not_a_typo() {
    assertThat(Suggestions.closest("xyzzy", JOB)).isEmpty();
    assertThat(Suggestions.closest("submti", List.of("status"))).isEmpty();
  }

  @Test
  void the_start_of_a_word_suggests_the_words_it_starts() {
    assertThat(Suggestions.closest("upd", JOB)).containsExactly("update");
    assertThat(Suggestions.closest("fl", JOB)).containsExactly("flush");
  }

  @Test
  void a_short_word_is_not_close_to_every_short_word() {
    // "x" is two edits from "me" and "ls" two from "get": no suggestion, not a random one.
    assertThat(Suggestions.closest("x", List.of("me", "job"))).isEmpty();
    assertThat(Suggestions.closest("zz", List.of("get", "me"))).isEmpty();
  }

  @Test
  void case_is_ignored() {
    assertThat(Suggestions.closest("LIST", JOB)).containsExactly("list");
  }

  @Test
  void ties_are_all_offered_in_order_and_too_many_are_none() {
    assertThat(Suggestions.closest("st", List.of("stop", "status", "start", "stage"))).isEmpty();
    assertThat(Suggestions.closest("sto", List.of("stop", "store"))).containsExactly("stop");
    assertThat(Suggestions.closest("lo", List.of("logs", "lock"))).containsExactly("lock", "logs");
  }

  @Test
  void the_sentence_names_one_or_several() {
    assertThat(Suggestions.didYouMean(List.of())).isEmpty();
    assertThat(Suggestions.didYouMean(List.of("job list"))).isEqualTo("; did you mean 'job list'?");
    assertThat(Suggestions.didYouMean(List.of("a", "b", "c")))
        .isEqualTo("; did you mean 'a', 'b' or 'c'?");
  }
}
