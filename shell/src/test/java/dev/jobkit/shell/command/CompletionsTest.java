package dev.jobkit.shell.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.shell.render.Style;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.shell.core.command.completion.CompletionProposal;

/**
 * What Tab proposes, without a service (completion never starts one, so values that come from the
 * service are absent here; the ones that do not are all there).
 */
class CompletionsTest {

  private final Dispatcher dispatcher = dispatcher();

  private static Dispatcher dispatcher() {
    PrintWriter sink = new PrintWriter(new StringWriter());
    return new Dispatcher(
        new Session(
            null, Path.of("/nonexistent"), Map.of(), sink, sink, Style.plain(), null, false));
  }

  /** The values proposed for the last word of {@code line} (empty after a trailing blank). */
  private List<String> propose(String line) {
    List<String> words = List.of(line.split(" ", -1));
    List<String> before = words.subList(0, words.size() - 1);
    String current = words.get(words.size() - 1);
    return Completions.propose(dispatcher.registry(), dispatcher.session(), before, current)
        .stream()
        .map(CompletionProposal::value)
        .toList();
  }

  @Test
  void user_scheduling_proposes_the_mode_second_not_where_the_name_goes() {
    assertThat(propose("user scheduling ")).doesNotContain("serial", "parallel");
    assertThat(propose("user scheduling alice ")).containsExactly("serial", "parallel");
    assertThat(propose("user scheduling alice serial ")).isEmpty();
  }

  @Test
  void options_are_proposed_where_an_argument_goes_only_for_a_word_starting_with_a_dash() {
    assertThat(propose("user key ")).doesNotContain("--json");
    assertThat(propose("user key -")).containsExactly("--json");
    assertThat(propose("job get ")).doesNotContain("--json");
    // No argument expected: the options.
    assertThat(propose("job list ")).contains("--status", "--owner", "--json");
    assertThat(propose("job logs job_1 -")).contains("--attempt", "--previous", "--tail", "--pod");
  }

  @Test
  void help_proposes_the_sub_commands_of_the_group_named() {
    assertThat(propose("help job "))
        .contains("submit", "list", "get", "stop", "watch", "logs")
        .doesNotContain("job", "user", "help");
    assertThat(propose("help ")).contains("job", "user", "help").doesNotContain("exit", "quit");
    assertThat(propose("help job list ")).isEmpty();
  }

  @Test
  void status_proposes_the_names_and_the_lowercase_aliases() {
    List<String> statuses = propose("job list --status ");

    assertThat(statuses.stream().filter(s -> s.startsWith("ru")))
        .contains("running", "run_done", "run_error", "run_timeout");
    assertThat(statuses.stream().filter(s -> s.startsWith("RU")))
        .containsExactlyInAnyOrder("RUNNING", "RUN_DONE", "RUN_ERROR", "RUN_TIMEOUT");
    assertThat(statuses).contains("pending", "completed", "cancelled", "canceled");
  }

  @Test
  void a_comma_separated_status_list_completes_its_last_item() {
    List<String> second = propose("job list --status running,fa");

    assertThat(second).contains("running,failed", "running,FAILED", "running,RUNNING");
    assertThat(second).allMatch(s -> s.startsWith("running,"));
    assertThat(propose("job list --status QUEUED,running,")).contains("QUEUED,running,succeeded");
  }

  @Test
  void owner_proposes_me_even_before_the_service_answers() {
    assertThat(propose("job list --owner ")).containsExactly("me");
  }

  @Test
  void a_value_given_with_equals_or_a_flag_does_not_take_the_next_word() {
    assertThat(propose("job list --status=running ")).contains("--owner", "--status");
    assertThat(propose("job list --all ")).contains("--owner").doesNotContain("--all");
  }

  @Test
  void the_command_line_of_a_job_is_not_completed_with_the_shells_options() {
    assertThat(propose("job submit sleep ")).isEmpty();
    assertThat(propose("job submit sleep -")).isEmpty();
    assertThat(propose("job submit --name x -- ")).isEmpty();
    assertThat(propose("job submit -")).contains("--name", "--wait");
  }

  @Test
  void command_words_come_first() {
    assertThat(propose("")).contains("job", "user", "help", "exit", "quit");
    assertThat(propose("job ")).contains("submit", "list", "stop");
  }
}
