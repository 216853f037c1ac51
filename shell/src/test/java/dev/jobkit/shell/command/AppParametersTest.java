package dev.jobkit.shell.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.jobs.JobSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.shell.core.command.completion.CompletionProposal;

/** How {@code --param} values are read, what {@code --param <TAB>} proposes, and batch files. */
class AppParametersTest {

  @Test
  void a_value_is_json_when_it_parses_else_text() {
    Map<String, Object> p =
        AppParameters.parse(
            List.of(
                "lr=1e-4",
                "epochs=3",
                "fast=true",
                "who=Ada",
                "id=\"007\"",
                "tags=[\"a\",\"b\"]",
                "version=1.2.3",
                "note=a,b",
                "empty="));
    assertThat(p.get("lr")).isEqualTo(1e-4);
    assertThat(p.get("epochs")).isEqualTo(3);
    assertThat(p.get("fast")).isEqualTo(true);
    assertThat(p.get("who")).isEqualTo("Ada");
    assertThat(p.get("id")).isEqualTo("007");
    assertThat(p.get("tags")).isEqualTo(List.of("a", "b"));
    assertThat(p.get("version")).isEqualTo("1.2.3");
    assertThat(p.get("note")).isEqualTo("a,b");
    assertThat(p.get("empty")).isEqualTo("");
  }

  @Test
  void a_wrong_param_is_named_by_the_option() {
    assertThatThrownBy(() -> AppParameters.parse(List.of("lr")))
        .isInstanceOf(UsageException.class)
        .hasMessage("--param must be NAME=VALUE, not 'lr'");
    assertThatThrownBy(() -> AppParameters.parse(List.of("x=[1,")))
        .hasMessageStartingWith("--param x: '[1,' starts like JSON but is not");
    assertThatThrownBy(() -> AppParameters.parse(List.of("x=1", "x=2")))
        .hasMessage("--param x is given twice");
    assertThatThrownBy(() -> AppParameters.parse(List.of("x=@/nonexistent/file")))
        .hasMessage("--param x: no file '/nonexistent/file'");
    assertThat(AppParameters.option("parameters.lr")).isEqualTo("--param lr");
    assertThat(AppParameters.option("app")).isEqualTo("--app");
    assertThat(AppParameters.option("app_version")).isEqualTo("--app-version");
    assertThat(AppParameters.option("priority")).isEqualTo("--priority");
  }

  @Test
  void param_names_are_proposed_open_with_their_type() {
    Map<String, Object> schema =
        Map.of(
            "type", "object",
            "required", List.of("who"),
            "properties",
                Map.of(
                    "who", Map.of("type", "string"),
                    "lr",
                        Map.of("type", "number", "default", 0.1, "description", "learning rate")));
    List<CompletionProposal> proposals = Completions.parameterProposals(schema);
    assertThat(proposals).extracting(CompletionProposal::value).containsOnly("who=", "lr=");
    assertThat(proposals).allMatch(p -> !p.complete());
    assertThat(proposals)
        .filteredOn(p -> p.value().equals("lr="))
        .extracting(CompletionProposal::description)
        .containsExactly("number, default 0.1: learning rate");
    assertThat(Completions.parameterProposals(Map.of())).isEmpty();
  }

  @Test
  void a_batch_file_is_the_api_batch_body() {
    List<JobSpec> specs =
        SubmitFiles.specs(
            """
            {"jobs": [
              {"ref": "prep", "app": "greet", "parameters": {"who": "Ada"}},
              {"ref": "train", "app": "greet", "app_version": 1, "parameters": {"times": 3},
               "parents": ["prep"], "priority": 7}
            ]}""",
            "p.json");
    assertThat(specs).hasSize(2);
    assertThat(specs.get(1).parents()).containsExactly("prep");
    assertThat(specs.get(1).appVersion()).isEqualTo(1);
    assertThat(specs.get(1).parameters()).containsEntry("times", 3);
    assertThatThrownBy(() -> SubmitFiles.specs("{\"jobs\": [{\"cmd\": [\"x\"]}]}", "p.json"))
        .hasMessage("p.json: jobs[0]: unknown field 'cmd'");
    assertThatThrownBy(() -> SubmitFiles.specs("[]", "p.json"))
        .hasMessageContaining("a batch file is {\"jobs\": [job, ...]}");
  }

  @Test
  void an_app_file_may_be_what_app_get_prints() {
    var spec =
        AppCommands.spec(
            "greet",
            "{\"name\": \"greet\", \"version\": 3, \"created_by\": \"admin\","
                + " \"command\": [\"echo\", \"{who}\"]}",
            "a.json");
    assertThat(spec.command()).containsExactly("echo", "{who}");
    assertThatThrownBy(() -> AppCommands.spec("other", "{\"name\": \"greet\"}", "a.json"))
        .hasMessageContaining("names app 'greet', not 'other'");
    assertThatThrownBy(() -> AppCommands.spec("greet", "{\"comand\": []}", "a.json"))
        .hasMessageContaining("unknown field 'comand'");
  }
}
