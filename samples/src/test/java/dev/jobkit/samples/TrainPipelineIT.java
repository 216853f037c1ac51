package dev.jobkit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.data.Result;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The app pipeline sample against a real service, on docs/examples/genes.csv: two trains in a
 * batch, the job after both, predict with the better model.
 */
class TrainPipelineIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  @Test
  void the_sample_trains_two_models_keeps_the_better_and_predicts_with_it() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    JobkitClient client = service.client(service.userKey());

    Result result =
        TrainPipeline.run(
            client,
            Path.of("../docs/examples/genes.csv"),
            new PrintStream(printed, true, StandardCharsets.UTF_8));

    String output = printed.toString(StandardCharsets.UTF_8);
    List<Job> trains =
        client
            .jobs()
            .listAll(JobQuery.builder().owner(service.userName()).app("train").build())
            .toList();
    assertThat(trains).hasSize(2).allMatch(j -> j.status() == JobStatus.SUCCEEDED);
    Job fast =
        trains.stream().filter(j -> j.displayName().equals("train-fast")).findFirst().orElseThrow();
    Job slow =
        trains.stream().filter(j -> j.displayName().equals("train-slow")).findFirst().orElseThrow();
    Model fastModel = client.models().list(fast.id()).get(0);
    Model slowModel = client.models().list(slow.id()).get(0);
    double fastMse = ((Number) fastModel.metrics().get("train_mse")).doubleValue();
    double slowMse = ((Number) slowModel.metrics().get("train_mse")).doubleValue();
    // lr 0.05 fits genes.csv to its noise (≈ 0.0024); lr 0.005 ends a little above (≈ 0.0026).
    assertThat(fastMse).isLessThan(0.005).isLessThan(slowMse);

    Job compare =
        client
            .jobs()
            .listAll(JobQuery.builder().parent(fast.id()).build())
            .findFirst()
            .orElseThrow();
    assertThat(compare.parents()).containsExactlyInAnyOrder(fast.id(), slow.id());
    assertThat(compare.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(client.jobs().logs(compare.id()).tail().content()).contains("both models trained");

    assertThat(result.modelId()).isEqualTo(fastModel.id());
    assertThat(result.app()).isEqualTo("predict");
    assertThat(result.files())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.path()).isEqualTo("predictions.csv");
              assertThat(f.sha256()).matches("[0-9a-f]{64}");
            });
    double testMse = ((Number) result.metrics().get("test_mse")).doubleValue();
    assertThat(testMse).isLessThan(0.005);
    assertThat(output)
        .contains("200 rows, 10 columns")
        .contains("compare ended SUCCEEDED")
        .contains(fastModel.id() + " from train-fast (lr 0.05): train_mse " + fastMse)
        .contains(slowModel.id() + " from train-slow (lr 0.005): train_mse " + slowMse)
        .contains("best: " + fastModel.id())
        .contains("predict ended SUCCEEDED")
        .contains("result " + result.id() + " with " + fastModel.id())
        .contains(
            "  predictions.csv "
                + result.files().get(0).sizeBytes()
                + " bytes, sha256 "
                + result.files().get(0).sha256())
        .endsWith("test_mse " + result.metrics().get("test_mse") + System.lineSeparator());
  }
}
