package dev.jobkit.shell.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.shell.render.Style;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.shell.core.command.CommandArgument;
import org.springframework.shell.core.command.CommandOption;
import org.springframework.shell.core.command.CommandRegistry;
import org.springframework.shell.core.command.ParsedInput;

class ArgvParserTest {

  private final ArgvParser parser = parser();

  private static ArgvParser parser() {
    PrintWriter sink = new PrintWriter(new StringWriter());
    Session session =
        new Session(
            null, Path.of("/nonexistent"), Map.of(), sink, sink, Style.plain(), null, false);
    CommandRegistry registry = new CommandRegistry();
    JobCommands.all(session).forEach(registry::registerCommand);
    return new ArgvParser(registry);
  }

  private static List<String> values(ParsedInput input, String option) {
    return input.options().stream()
        .filter(o -> option.equals(o.longName()))
        .map(CommandOption::value)
        .toList();
  }

  private static List<String> arguments(ParsedInput input) {
    return input.arguments().stream().map(CommandArgument::value).toList();
  }

  @Test
  void a_line_is_split_like_a_posix_shell_splits_it() {
    assertThat(ArgvParser.split("job submit --shell 'echo \"a b\"; sleep 1' x\\ y \"q\\\"r\""))
        .containsExactly("job", "submit", "--shell", "echo \"a b\"; sleep 1", "x y", "q\"r");
  }

  @Test
  void an_unclosed_quote_is_a_usage_error() {
    assertThatThrownBy(() -> ArgvParser.split("job submit --shell 'echo"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unclosed single quote");
  }

  @Test
  void the_longest_run_of_words_naming_a_command_is_the_command() {
    ParsedInput input = parser.parse(List.of("job", "list", "--status", "running"));

    assertThat(input.commandName()).isEqualTo("job");
    assertThat(input.subCommands()).containsExactly("list");
    assertThat(values(input, "status")).containsExactly("running");
  }

  @Test
  void repeated_options_are_all_kept_and_short_names_become_long_ones() {
    ParsedInput input =
        parser.parse(List.of("job", "submit", "-p", "7", "--tag", "a=1", "--tag=b=2", "true"));

    assertThat(values(input, "priority")).containsExactly("7");
    assertThat(values(input, "tag")).containsExactly("a=1", "b=2");
  }

  @Test
  void after_the_command_of_a_submit_every_word_belongs_to_it_even_options() {
    ParsedInput input =
        parser.parse(List.of("job", "submit", "--wait", "python", "train.py", "--epochs", "3"));

    assertThat(values(input, "wait")).containsExactly("true");
    assertThat(arguments(input)).containsExactly("python", "train.py", "--epochs", "3");
  }

  @Test
  void a_short_options_value_may_follow_it_in_the_same_word_or_after_an_equals_sign() {
    assertThat(values(parser.parse(List.of("job", "list", "-owide")), "output"))
        .containsExactly("wide");
    assertThat(values(parser.parse(List.of("job", "list", "-o=json")), "output"))
        .containsExactly("json");
    assertThat(values(parser.parse(List.of("job", "get", "j", "-ojsonpath={.id}")), "output"))
        .containsExactly("jsonpath={.id}");
    assertThatThrownBy(() -> parser.parse(List.of("job", "stop", "j", "-yes")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown option '-yes'");
  }

  @Test
  void an_unknown_option_is_refused_naming_it() {
    assertThatThrownBy(() -> parser.parse(List.of("job", "list", "--colour")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown option '--colour' for 'job list'");
  }

  @Test
  void an_option_without_its_value_is_refused() {
    assertThatThrownBy(() -> parser.parse(List.of("job", "list", "--status")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--status needs a value");
  }

  @Test
  void an_unknown_subcommand_names_the_ones_that_exist() {
    // Nothing close to it (a typo of one gets a suggestion instead, below).
    assertThatThrownBy(() -> parser.parse(List.of("job", "frobnicate")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown command 'job frobnicate'")
        .hasMessageContaining("list");
  }

  @Test
  void a_mistyped_subcommand_suggests_the_closest_one() {
    assertThatThrownBy(() -> parser.parse(List.of("job", "lsit")))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown command 'job lsit'; did you mean 'job list'?");
    assertThatThrownBy(() -> parser.parse(List.of("job", "cancle", "job_1")))
        .hasMessage("unknown command 'job cancle'; did you mean 'job cancel'?");
  }

  @Test
  void a_mistyped_group_suggests_the_command_meant() {
    assertThatThrownBy(() -> parser.parse(List.of("jbo", "list")))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown command 'jbo list'; did you mean 'job list'?");
    assertThatThrownBy(() -> parser.parse(List.of("jbo", "lsit", "--json")))
        .hasMessage("unknown command 'jbo lsit'; did you mean 'job list'?");
    assertThatThrownBy(() -> parser.parse(List.of("jbo")))
        .hasMessage("unknown command 'jbo'; did you mean 'job'?");
  }

  @Test
  void a_command_with_nothing_close_gets_no_suggestion() {
    assertThatThrownBy(() -> parser.parse(List.of("frobnicate")))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown command 'frobnicate'; type 'help' to see the commands");
  }

  @Test
  void a_mistyped_option_suggests_the_closest_one() {
    assertThatThrownBy(() -> parser.parse(List.of("job", "list", "--stauts", "running")))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown option '--stauts' for 'job list'; did you mean '--status'?");
    assertThatThrownBy(() -> parser.parse(List.of("job", "list", "--stauts=running")))
        .hasMessage("unknown option '--stauts=running' for 'job list'; did you mean '--status'?");
    assertThatThrownBy(() -> parser.parse(List.of("job", "list", "-status", "running")))
        .hasMessage("unknown option '-status' for 'job list'; did you mean '--status'?");
    assertThatThrownBy(() -> parser.parse(List.of("job", "list", "--lim", "3")))
        .hasMessage("unknown option '--lim' for 'job list'; did you mean '--limit'?");
  }

  @Test
  void an_option_with_nothing_close_points_to_help() {
    assertThatThrownBy(() -> parser.parse(List.of("job", "list", "--colour")))
        .hasMessage("unknown option '--colour' for 'job list'; see 'help job list'");
  }

  @Test
  void an_alias_runs_its_command() {
    ParsedInput input = parser.parse(List.of("job", "cancel", "job_1", "--yes"));

    assertThat(input.subCommands()).containsExactly("stop");
    assertThat(arguments(input)).containsExactly("job_1");
  }

  @Test
  void a_single_value_option_given_twice_is_refused() {
    assertThatThrownBy(() -> parser.parse(List.of("job", "list", "--limit", "1", "--limit", "2")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--limit may be given only once");
  }
}
