package dev.jobkit.server;

import static dev.jobkit.server.support.Problems.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The shipped train and predict apps end to end on docs/examples/genes.csv: a train job fetches the
 * dataset with its token, reports progress and a falling loss, and becomes a model record whose
 * files' checksums match their bytes; a predict job reads the model and becomes a result record
 * with predictions.csv. What they are given is checked when they are submitted (named parameters,
 * the caller's own datasets and models, model_path under a root); a dataset of the wrong shape
 * fails the job with the reason in its log.
 */
class TrainPredictIT {

  private static final Path ROOT = readableTempDir("jobkit-model-root");
  private static final Path OUTSIDE = readableTempDir("jobkit-model-outside");

  /** A service of its own: model_path needs a root. */
  @RegisterExtension
  static final JobkitService service = JobkitService.own("--jobkit.datasets.roots=" + ROOT);

  private static final Duration RUN = Duration.ofSeconds(90);

  private final Api user = service.user();
  private final Api admin = service.admin();

  /** A directory the pods (other users when the tests run as root) may read. */
  private static Path readableTempDir(String prefix) {
    try {
      Path dir = Files.createTempDirectory(prefix).toRealPath();
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String genes() {
    try {
      return Files.readString(Path.of("../docs/examples/genes.csv"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String upload(Api api, String body) {
    return api.send("POST", "/api/v1/datasets?name=genes.csv", body, "Content-Type", "text/csv")
        .expect(201)
        .json()
        .get("id")
        .asString();
  }

  private static Job submit(Api api, String app, String parameters) {
    return Api.JSON.readValue(
        api.post("/api/v1/jobs", "{\"app\": \"" + app + "\", \"parameters\": " + parameters + "}")
            .expect(201)
            .body(),
        Job.class);
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String log(Api api, String jobId) {
    return api.get("/api/v1/jobs/" + jobId + "/log").expect(200).json().get("content").asString();
  }

  private static Job succeeded(Api api, String jobId) {
    Job job = api.awaitStatus(jobId, JobStatus::isTerminal, RUN);
    assertThat(job.status())
        .as("%s; log: %s", job.lastError(), log(api, jobId))
        .isEqualTo(JobStatus.SUCCEEDED);
    return job;
  }

  private String trainModel(String dataset) {
    Job train =
        submit(
            user,
            "train",
            "{\"dataset_id\": \""
                + dataset
                + "\", \"gene_size\": 8, \"output_dim\": 2, \"lr\": 0.05, \"batch_size\": 16,"
                + " \"epochs\": 40}");
    succeeded(user, train.id());
    JsonNode models = user.get("/api/v1/models?job_id=" + train.id()).expect(200).json();
    assertThat(models.get("items")).hasSize(1);
    return models.get("items").get(0).get("id").asString();
  }

  @Test
  void train_then_predict_on_the_example_dataset_records_a_model_and_a_result() throws Exception {
    String dataset = upload(user, genes());
    Job train =
        submit(
            user,
            "train",
            "{\"dataset_id\": \""
                + dataset
                + "\", \"gene_size\": 8, \"output_dim\": 2,"
                + " \"lr\": 0.05, \"batch_size\": 16}");
    assertThat(train.app()).isEqualTo("train");
    assertThat(train.appVersion()).isEqualTo(1);
    assertThat(train.parameters())
        .containsEntry("batch_size", 16)
        .containsEntry("epochs", 100)
        .containsEntry("use_drug_structure", false);
    assertThat(train.command()).last().isEqualTo("dev.jobkit.server.ml.run.Train");
    Job done = succeeded(user, train.id());
    assertThat(done.progress().percent()).isEqualTo(100.0);
    double last = done.metrics().get("train_mse");
    double first = done.metrics().get("first_epoch_train_mse");
    assertThat(last).isLessThan(first / 10).isLessThan(0.01);
    assertThat(done.metrics()).containsEntry("epoch", 100.0);

    JsonNode model =
        user.get("/api/v1/models?job_id=" + train.id()).expect(200).json().get("items").get(0);
    String modelId = model.get("id").asString();
    assertThat(modelId).startsWith("model_");
    assertThat(model.get("job_id").asString()).isEqualTo(train.id());
    assertThat(model.get("owner").asString()).isEqualTo(service.userName());
    assertThat(model.get("app").asString()).isEqualTo("train");
    assertThat(model.get("metrics").get("train_mse").asDouble()).isEqualTo(last);
    assertThat(model.get("parameters").get("dataset_id").asString()).isEqualTo(dataset);
    assertThat(model.get("files").findValues("path"))
        .extracting(JsonNode::asString)
        .containsExactly("model.json", "training.csv", "weights.csv");
    for (JsonNode file : model.get("files")) {
      Api.Response bytes =
          user.get("/api/v1/models/" + modelId + "/files/" + file.get("path").asString())
              .expect(200);
      assertThat(sha256(bytes.body())).isEqualTo(file.get("sha256").asString());
      assertThat(bytes.body().getBytes(StandardCharsets.UTF_8).length)
          .isEqualTo(file.get("size_bytes").asLong());
      assertThat(bytes.headers().firstValue("ETag"))
          .hasValue("\"" + file.get("sha256").asString() + "\"");
    }
    // The loss of each epoch: the last is lower than the first.
    List<String> history =
        user.get("/api/v1/models/" + modelId + "/files/training.csv")
            .expect(200)
            .body()
            .lines()
            .toList();
    assertThat(history).hasSize(101).first().isEqualTo("epoch,train_mse");
    double epoch1 = Double.parseDouble(history.get(1).split(",")[1]);
    double epoch100 = Double.parseDouble(history.get(100).split(",")[1]);
    assertThat(epoch100).isLessThan(epoch1).isEqualTo(last);
    String weights =
        user.get("/api/v1/models/" + modelId + "/files/weights.csv").expect(200).body();
    assertThat(weights.lines()).hasSize(10).first().isEqualTo("term,y1,y2");
    assertThat(log(user, train.id())).contains("train: 200 rows, 8 features -> 2 targets");

    Job predict =
        submit(
            user,
            "predict",
            "{\"dataset_id\": \""
                + dataset
                + "\", \"model_id\": \""
                + modelId
                + "\","
                + " \"gene_size\": 8, \"output_dim\": 2}");
    Job predicted = succeeded(user, predict.id());
    assertThat(predicted.metrics()).containsEntry("rows", 200.0);
    assertThat(predicted.metrics().get("test_mse")).isLessThan(0.01);
    JsonNode result =
        user.get("/api/v1/results?job_id=" + predict.id()).expect(200).json().get("items").get(0);
    String resultId = result.get("id").asString();
    assertThat(resultId).startsWith("result_");
    assertThat(result.get("model_id").asString()).isEqualTo(modelId);
    assertThat(result.get("files")).hasSize(1);
    JsonNode file = result.get("files").get(0);
    assertThat(file.get("path").asString()).isEqualTo("predictions.csv");
    String predictions =
        user.get("/api/v1/results/" + resultId + "/files/predictions.csv").expect(200).body();
    assertThat(sha256(predictions)).isEqualTo(file.get("sha256").asString());
    List<String> rows = predictions.lines().toList();
    assertThat(rows).hasSize(201).first().isEqualTo("y1,y2");
    assertThat(rows.subList(1, rows.size()))
        .allSatisfy(row -> assertThat(row.split(",")).hasSize(2));
    assertThat(user.get("/api/v1/results/" + resultId).expect(200).json()).isEqualTo(result);

    // Another user sees neither record nor file.
    Api other = service.newUser("stranger", "parallel");
    assertRefused(other.get("/api/v1/models/" + modelId), 404, "not_found", null);
    assertRefused(
        other.get("/api/v1/models/" + modelId + "/files/weights.csv"), 404, "not_found", null);
    assertRefused(
        other.get("/api/v1/results/" + resultId + "/files/predictions.csv"),
        404,
        "not_found",
        null);
    assertRefused(
        user.get("/api/v1/models/" + modelId + "/files/nothing.csv"), 404, "not_found", null);

    // Deleting the train job deletes its model, and says so.
    JsonNode deletion = user.delete("/api/v1/jobs/" + train.id()).expect(200).json();
    assertThat(deletion.get("removed_models").asInt()).isEqualTo(1);
    assertThat(deletion.get("removed_results").asInt()).isZero();
    assertRefused(user.get("/api/v1/models/" + modelId), 404, "not_found", null);
  }

  @Test
  void predict_reads_a_model_path_under_a_root_and_refuses_one_outside() throws Exception {
    String dataset = upload(user, genes());
    String modelId = trainModel(dataset);
    String weights =
        user.get("/api/v1/models/" + modelId + "/files/weights.csv").expect(200).body();
    Path dir = Files.createDirectories(ROOT.resolve("model-" + System.nanoTime()));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(dir.resolve("weights.csv"), weights);
    Files.writeString(OUTSIDE.resolve("weights.csv"), weights);

    Job predict =
        submit(
            user,
            "predict",
            "{\"dataset_id\": \""
                + dataset
                + "\", \"model_path\": \""
                + dir
                + "\","
                + " \"gene_size\": 8, \"output_dim\": 2}");
    succeeded(user, predict.id());
    JsonNode result =
        user.get("/api/v1/results?job_id=" + predict.id()).expect(200).json().get("items").get(0);
    assertThat(result.get("model_id").isNull()).isTrue();
    assertThat(result.get("parameters").get("model_path").asString()).isEqualTo(dir.toString());

    assertRefused(
        user.post(
            "/api/v1/jobs",
            "{\"app\": \"predict\", \"parameters\": {\"dataset_id\": \""
                + dataset
                + "\","
                + " \"model_path\": \""
                + OUTSIDE
                + "\", \"gene_size\": 8, \"output_dim\": 2}}"),
        400,
        "validation_failed",
        "parameters.model_path");
    // A model whose shape is not the one asked for fails the job, saying both.
    Job wrong =
        submit(
            user,
            "predict",
            "{\"dataset_id\": \""
                + dataset
                + "\", \"model_id\": \""
                + modelId
                + "\","
                + " \"gene_size\": 7, \"output_dim\": 2}");
    assertThat(user.awaitStatus(wrong.id(), JobStatus::isTerminal, RUN).status())
        .isEqualTo(JobStatus.FAILED);
    assertThat(log(user, wrong.id()))
        .contains(
            "model "
                + modelId
                + " maps 8 features to 2 targets, but gene_size is 7 and output_dim 2");
  }

  @Test
  void a_dataset_whose_columns_do_not_match_fails_the_job_with_the_reason() {
    String dataset = upload(user, genes());
    Job train =
        submit(
            user,
            "train",
            "{\"dataset_id\": \"" + dataset + "\", \"gene_size\": 8, \"output_dim\": 3}");
    Job failed = user.awaitStatus(train.id(), JobStatus::isTerminal, RUN);
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.lastError()).contains("exited with code 2");
    assertThat(failed.progress().message())
        .isEqualTo(
            "failed: dataset "
                + dataset
                + " has 10 columns, but gene_size 8 + output_dim 3 = 11 (the features, then the"
                + " targets)");
    assertThat(log(user, train.id()))
        .contains(
            "train: dataset "
                + dataset
                + " has 10 columns, but gene_size 8 + output_dim 3 = 11 (the features, then the"
                + " targets)");
    assertThat(user.get("/api/v1/models?job_id=" + train.id()).expect(200).json().get("items"))
        .isEmpty();
  }

  @Test
  void wrong_parameters_and_others_datasets_and_models_are_refused_naming_the_parameter() {
    String dataset = upload(user, genes());
    Api other = service.newUser("other", "parallel");
    String othersDataset = upload(other, genes());
    assertRefused(
        user.post(
            "/api/v1/jobs",
            "{\"app\": \"train\", \"parameters\": {\"dataset_id\": \""
                + dataset
                + "\", \"gene_size\": 0, \"output_dim\": 2}}"),
        400,
        "validation_failed",
        "parameters.gene_size");
    assertRefused(
        user.post(
            "/api/v1/jobs",
            "{\"app\": \"train\", \"parameters\": {\"dataset_id\": \""
                + dataset
                + "\", \"gene_size\": 8}}"),
        400,
        "validation_failed",
        "parameters.output_dim");
    assertRefused(
        user.post(
            "/api/v1/jobs",
            "{\"app\": \"train\", \"parameters\": {\"dataset_id\": \""
                + othersDataset
                + "\", \"gene_size\": 8, \"output_dim\": 2}}"),
        400,
        "validation_failed",
        "parameters.dataset_id");
    assertRefused(
        user.post(
            "/api/v1/jobs",
            "{\"app\": \"train\", \"parameters\": {\"dataset_id\": \""
                + dataset
                + "\", \"control_dataset_id\": \"ds_nothing\", \"gene_size\": 8, \"output_dim\": 2}}"),
        400,
        "validation_failed",
        "parameters.control_dataset_id");
    assertRefused(
        user.post(
            "/api/v1/jobs",
            "{\"app\": \"predict\", \"parameters\": {\"dataset_id\": \""
                + dataset
                + "\", \"gene_size\": 8, \"output_dim\": 2}}"),
        400,
        "validation_failed",
        "parameters.model_id");

    String othersModel;
    {
      Job train =
          submit(
              other,
              "train",
              "{\"dataset_id\": \""
                  + othersDataset
                  + "\", \"gene_size\": 8, \"output_dim\": 2, \"epochs\": 2}");
      succeeded(other, train.id());
      othersModel =
          other
              .get("/api/v1/models?job_id=" + train.id())
              .expect(200)
              .json()
              .get("items")
              .get(0)
              .get("id")
              .asString();
    }
    assertRefused(
        user.post(
            "/api/v1/jobs",
            "{\"app\": \"predict\", \"parameters\": {\"dataset_id\": \""
                + dataset
                + "\", \"model_id\": \""
                + othersModel
                + "\", \"gene_size\": 8, \"output_dim\": 2}}"),
        400,
        "validation_failed",
        "parameters.model_id");
    assertRefused(
        user.post(
            "/api/v1/jobs",
            "{\"app\": \"predict\", \"parameters\": {\"dataset_id\": \""
                + dataset
                + "\", \"model_id\": \""
                + othersModel
                + "\", \"model_path\": \""
                + ROOT
                + "\", \"gene_size\": 8, \"output_dim\": 2}}"),
        400,
        "validation_failed",
        "parameters.model_path");
  }

  @Test
  void the_shipped_apps_are_listed_and_not_even_an_admin_may_replace_or_delete_them() {
    JsonNode train = user.get("/api/v1/apps/train").expect(200).json();
    assertThat(train.get("version").asInt()).isEqualTo(1);
    assertThat(train.get("created_by").asString()).isEqualTo("jobkit");
    JsonNode schema = train.get("parameters");
    assertThat(schema.get("required"))
        .extracting(JsonNode::asString)
        .containsExactly("dataset_id", "gene_size", "output_dim");
    assertThat(schema.get("properties").get("lr").get("default").asDouble()).isEqualTo(1e-4);
    assertThat(schema.get("properties").get("batch_size").get("default").asInt()).isEqualTo(64);
    assertThat(schema.get("properties").get("gene_size").get("exclusiveMinimum").asInt()).isZero();
    assertThat(user.get("/api/v1/apps/predict").expect(200).json().get("version").asInt())
        .isEqualTo(1);
    assertRefused(
        admin.put("/api/v1/apps/train", "{\"command\": [\"true\"]}"), 403, "forbidden", null);
    assertRefused(admin.delete("/api/v1/apps/predict"), 403, "forbidden", null);
    assertThat(user.get("/api/v1/apps/predict/versions").expect(200).json().get("items"))
        .hasSize(1);
  }

  @Test
  void a_restart_registers_nothing_new_and_stages_the_classpath_again() throws Exception {
    try (JobkitServer own = JobkitServer.start()) {
      Path jar = own.dataDir().resolve("apps/jobkit-apps.jar");
      assertThat(own.admin().get("/api/v1/apps/train/versions").expect(200).json().get("items"))
          .hasSize(1);
      own.restart();
      Api admin = own.admin();
      for (String app : List.of("train", "predict")) {
        JsonNode versions = admin.get("/api/v1/apps/" + app + "/versions").expect(200).json();
        assertThat(versions.get("items")).hasSize(1);
        assertThat(versions.get("items").get(0).get("version").asInt()).isEqualTo(1);
      }
      // A submission waits for the staging, so the jar is there once one is accepted.
      String dataset = upload(admin, genes());
      Job train =
          submit(
              admin,
              "train",
              "{\"dataset_id\": \""
                  + dataset
                  + "\", \"gene_size\": 8, \"output_dim\": 2, \"epochs\": 1}");
      assertThat(train.command()).contains(jar.toString());
      for (Path staged : List.of(jar, jar.resolveSibling("commons-math3.jar"))) {
        assertThat(Files.isRegularFile(staged)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(staged)))
            .isIn("rw-r-----", "rw-------");
      }
      succeeded(admin, train.id());
    }
  }
}
