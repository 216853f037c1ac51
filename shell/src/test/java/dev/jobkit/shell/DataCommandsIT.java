package dev.jobkit.shell;

import static dev.jobkit.shell.support.ShellFixture.SCREEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.data.Dataset;
import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.data.Result;
import dev.jobkit.sdk.data.StoredFile;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.store.DataStore;
import dev.jobkit.shell.command.Completions;
import dev.jobkit.shell.command.Dispatcher;
import dev.jobkit.shell.command.Session;
import dev.jobkit.shell.render.Style;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.ShellFixture;
import dev.jobkit.shell.support.Tmux;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.shell.core.command.completion.CompletionProposal;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code dataset}, {@code model} and {@code result} commands as a user types them: one-shot as
 * scripts run them, and {@code dataset delete} asking in a real terminal.
 */
class DataCommandsIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RegisterExtension static final ShellFixture fixture = ShellFixture.create("NO_COLOR", "1");

  private static final String CSV = "g1,g2,t1\n1,2,3\n4,5,6\n";

  private static Jobkit.Result ok(String... args) {
    Jobkit.Result result = fixture.run(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  private static Path csv(String name) throws IOException {
    return Files.writeString(fixture.home().resolve(name), CSV);
  }

  /** What Tab proposes, asked of the shell's completion in this JVM with a connected session. */
  private static List<String> propose(String... words) {
    PrintWriter sink = new PrintWriter(new StringWriter());
    Session session =
        new Session(null, fixture.home(), fixture.env(), sink, sink, Style.plain(), null, false);
    session.client();
    Dispatcher dispatcher = new Dispatcher(session);
    List<String> before = List.of(words).subList(0, words.length - 1);
    return Completions.propose(dispatcher.registry(), session, before, words[words.length - 1])
        .stream()
        .map(CompletionProposal::value)
        .toList();
  }

  @Test
  void upload_list_get_show_the_dataset_and_tab_proposes_its_id() throws IOException {
    Path file = csv("genes.csv");

    Jobkit.Result uploaded = ok("dataset", "upload", file.toString(), "--name", "genes");
    assertThat(uploaded.out())
        .startsWith("uploaded dataset ds_")
        .contains("'genes': " + CSV.length() + " bytes");
    assertThat(uploaded.out()).contains("2 rows × 3 columns");
    String id = uploaded.out().split(" ")[2];
    Dataset dataset = fixture.client().datasets().get(id);
    assertThat(dataset.sizeBytes()).isEqualTo(CSV.length());

    assertThat(ok("dataset", "list").out()).contains(id).contains("genes").contains("2×3");
    assertThat(ok("dataset", "list", "-o", "name").out().lines()).contains(id);
    JsonNode json = JSON.readTree(ok("dataset", "get", id, "-o", "json").out());
    assertThat(json.get("sha256").asString()).isEqualTo(dataset.sha256());
    assertThat(json.get("size_bytes").asLong()).isEqualTo(CSV.length());
    assertThat(ok("dataset", "get", id).out())
        .contains("sha256   " + dataset.sha256())
        .contains("source   upload");
    assertThat(ok("dataset", "get", id, "-o", "jsonpath={.name}").out().strip()).isEqualTo("genes");

    Path copy = fixture.home().resolve("copy.csv");
    assertThat(ok("dataset", "download", id, copy.toString()).out())
        .isEqualTo(
            "wrote "
                + copy
                + ": "
                + CSV.length()
                + " bytes, 2 rows × 3 columns, sha256 "
                + dataset.sha256()
                + " as recorded\n");
    assertThat(Files.readString(copy)).isEqualTo(CSV);
    Jobkit.Result noFile = fixture.run("dataset", "download", id);
    assertThat(noFile.exitCode()).isEqualTo(2);
    assertThat(noFile.err()).contains("'dataset download ds_");

    JsonNode byFileName = JSON.readTree(ok("dataset", "upload", file.toString(), "--json").out());
    assertThat(byFileName.get("name").asString()).isEqualTo("genes.csv");

    assertThat(propose("dataset", "get", "")).contains(id, byFileName.get("id").asString());
    assertThat(propose("dataset", "delete", "")).contains(id);
  }

  @Test
  void a_missing_dataset_exits_3_and_bad_files_exit_2_saying_what_to_type() throws IOException {
    Jobkit.Result missing = fixture.run("dataset", "get", "ds_nothing");
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(3);
    assertThat(missing.err()).contains("no dataset ds_nothing").contains("'dataset list'");

    Jobkit.Result noFile = fixture.run("dataset", "upload", "no-such.csv");
    assertThat(noFile.exitCode()).isEqualTo(2);
    assertThat(noFile.err()).contains("no file 'no-such.csv'");

    Jobkit.Result relative = fixture.run("dataset", "register", "genes.csv");
    assertThat(relative.exitCode()).isEqualTo(2);
    assertThat(relative.err()).contains("must be absolute").contains("'dataset upload genes.csv'");

    // The shared service has no dataset roots: the service says so, and what to do instead.
    Path file = csv("reg.csv");
    Jobkit.Result noRoots = fixture.run("dataset", "register", file.toString());
    assertThat(noRoots.exitCode()).as(noRoots.toString()).isEqualTo(2);
    assertThat(noRoots.err()).contains("PATH").contains("upload the file instead");

    Path empty = Files.writeString(fixture.home().resolve("empty.csv"), "");
    Jobkit.Result nothing = fixture.run("dataset", "upload", empty.toString());
    assertThat(nothing.exitCode()).isEqualTo(2);
    assertThat(nothing.err()).contains(empty + ": is empty");
  }

  @Test
  void dataset_delete_is_refused_without_a_terminal_asks_in_one_and_yes_deletes_it()
      throws IOException {
    Dataset dataset = fixture.client().datasets().upload(csv("doomed.csv"));
    String id = dataset.id();

    Jobkit.Result noTerminal = fixture.run("dataset", "delete", id);
    assertThat(noTerminal.exitCode()).isEqualTo(2);
    assertThat(noTerminal.err()).contains("nothing was sent").contains("--yes");
    assertThat(fixture.client().datasets().get(id)).isEqualTo(dataset);

    try (Tmux tmux = Tmux.start(fixture.env(), Jobkit.commandLine("dataset", "delete", id))) {
      String asked = tmux.awaitText("Delete it? [yes/no]", SCREEN);
      assertThat(asked).contains("'doomed.csv'").contains("with the bytes the service keeps");
      tmux.line("no");
      tmux.awaitText("[exited 2]", SCREEN);
      assertThat(tmux.screen()).contains("DECLINED");
    }
    assertThat(fixture.client().datasets().get(id)).isEqualTo(dataset);

    try (Tmux tmux = Tmux.start(fixture.env(), Jobkit.commandLine("dataset", "delete", id))) {
      tmux.awaitText("Delete it? [yes/no]", SCREEN);
      tmux.line("yes");
      tmux.awaitText("[exited 0]", SCREEN);
      assertThat(tmux.screen()).contains("APPLIED: deleted dataset " + id);
    }
    assertThatThrownBy(() -> fixture.client().datasets().get(id))
        .isInstanceOf(NotFoundException.class);

    Jobkit.Result again = fixture.run("dataset", "delete", id, "--yes");
    assertThat(again.exitCode()).isEqualTo(3);
    assertThat(again.out()).contains("NOT_FOUND: there is no dataset " + id);
  }

  @Test
  void model_and_result_commands_list_show_and_say_when_there_is_none() {
    Jobkit.Result none = ok("model", "list");
    assertThat(none.out() + none.err()).contains("no models");
    assertThat(JSON.readTree(ok("model", "list", "-o", "json").out()).isEmpty()).isTrue();
    Jobkit.Result missing = fixture.run("model", "get", "model_nothing");
    assertThat(missing.exitCode()).isEqualTo(3);
    assertThat(missing.err()).contains("no model model_nothing").contains("'model list'");
    assertThat(fixture.run("result", "get", "result_nothing").exitCode()).isEqualTo(3);

    // No train app in the shared service: the records are stored as the train and predict apps
    // store them, for a real job of the class's user.
    Job job = fixture.client().jobs().submit(JobSpec.builder().command("true").build());
    fixture.client().jobs().await(job.id(), JobStatus::isTerminal, SCREEN);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    StoredFile file = new StoredFile("/data/model-" + suffix + ".json", 12, "a".repeat(64));
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    String owner = fixture.service().userName();
    Model model =
        new Model(
            "model_" + suffix,
            job.id(),
            owner,
            "train",
            List.of(file),
            Map.of("loss", 0.25),
            Map.of("gene_size", 4),
            now);
    DataStore store = fixture.service().server().bean(DataStore.class);
    store.addModel(model);
    store.addResult(
        new Result(
            "result_" + suffix,
            job.id(),
            owner,
            "predict",
            model.id(),
            List.of(file),
            Map.of(),
            Map.of(),
            now));

    assertThat(ok("model", "list").out()).contains(model.id()).contains(job.id()).contains("loss");
    assertThat(ok("model", "list", "--job", job.id(), "-o", "name").out().strip())
        .isEqualTo(model.id());
    assertThat(ok("model", "get", model.id()).out())
        .contains(file.path() + "  12 bytes  sha256 " + "a".repeat(64))
        .contains("{\"loss\":0.25}");
    assertThat(ok("result", "list", "--job", job.id()).out())
        .contains("result_" + suffix)
        .contains(model.id());
    assertThat(ok("result", "get", "result_" + suffix).out()).contains("model       " + model.id());
    assertThat(propose("model", "get", "")).contains(model.id());
    assertThat(propose("result", "get", "")).contains("result_" + suffix);
  }
}
