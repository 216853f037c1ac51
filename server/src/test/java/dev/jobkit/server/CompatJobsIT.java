package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.CANCELED;
import static dev.jobkit.sdk.lifecycle.JobStatus.QUEUED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static dev.jobkit.server.support.Problems.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.Records;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The train/predict Jobs API's routes ({@code /api/jobs/...}): every behaviour its description
 * (reference 004) gives, over real HTTP. The routes run the shipped apps {@code train} and {@code
 * predict} on the example dataset of the docs.
 */
class CompatJobsIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  private static String genes() {
    try {
      return Files.readString(Path.of("../docs/examples/genes.csv"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Uploads the example dataset as {@code as}; its id. */
  private static String upload(Api as) {
    return as.send("POST", "/api/v1/datasets?name=genes.csv", genes(), "Content-Type", "text/csv")
        .expect(201)
        .json()
        .get("id")
        .asString();
  }

  /** A user of their own, so that one test's list and flush never see another's jobs. */
  private static Api newUser(String mode) {
    return service.newUser("compat", mode);
  }

  private static Job runningSleeper(Api as) {
    Job job = as.submit("{\"command\":[\"sleep\",\"300\"]}");
    return as.awaitStatus(job.id(), RUNNING, TIMEOUT);
  }

  private static JsonNode job(Api as, String id) {
    return as.get("/api/jobs/" + id).expect(200).json().get("job");
  }

  /** Asserts a problem document answered {@code status} with exactly {@code detail}. */
  private static void assertDetail(Api.Response answer, int status, String detail) {
    assertThat(answer.status()).as("status of %s", answer.body()).isEqualTo(status);
    assertThat(answer.contentType()).startsWith("application/problem+json");
    assertThat(answer.json().get("detail").asString()).isEqualTo(detail);
  }

  @Test
  void train_and_predict_submit_the_apps_and_answer_the_job_record() {
    Api user = newUser("parallel");
    String dataset = upload(user);

    JsonNode train =
        user.post(
                "/api/jobs/train",
                "{\"dataset_id\": \""
                    + dataset
                    + "\", \"gene_size\": 8, \"output_dim\": 2, \"batch_size\": 16,"
                    + " \"lr\": 0.05, \"unknown_field\": \"ignored, as that API ignores it\"}")
            .expect(200)
            .json()
            .get("job");

    assertThat(train.get("id").asString()).startsWith("job_");
    assertThat(train.get("type").asString()).isEqualTo("train");
    assertThat(train.get("status").asString()).isIn("queued", "running", "success");
    assertThat(train.get("owner_user_id").isIntegralNumber()).isTrue();
    assertThat(train.at("/params/dataset_id").asString()).isEqualTo(dataset);
    assertThat(train.at("/params/gene_size").asInt()).isEqualTo(8);
    assertThat(train.at("/params/lr").asDouble()).isEqualTo(0.05);
    assertThat(train.at("/params/unknown_field").isMissingNode()).isTrue();
    assertThat(train.get("created_at").asString()).isNotBlank();
    Job v1 = user.job(train.get("id").asString());
    assertThat(v1.app()).isEqualTo("train");
    assertThat(v1.owner()).isEqualTo(user.name());

    // it ends as any job does; the record says how, in that API's words
    Job trained = user.awaitEnd(train.get("id").asString());
    assertThat(trained.status()).as("%s", trained).isEqualTo(SUCCEEDED);
    JsonNode after = job(user, trained.id());
    assertThat(after.get("status").asString()).isEqualTo("success");
    assertThat(after.get("finished_at").asString()).isNotBlank();
    assertThat(
            user.get("/api/jobs/" + trained.id() + "/log").expect(200).json().get("log").isString())
        .isTrue();
    String modelId =
        user.get("/api/v1/models?job_id=" + trained.id())
            .expect(200)
            .json()
            .at("/items/0/id")
            .asString();

    JsonNode predict =
        user.post(
                "/api/jobs/predict",
                "{\"dataset_id\": \""
                    + dataset
                    + "\", \"model_id\": \""
                    + modelId
                    + "\", \"gene_size\": 8, \"output_dim\": 2, \"use_drug_structure\": true}")
            .expect(200)
            .json()
            .get("job");
    assertThat(predict.get("type").asString()).isEqualTo("predict");
    assertThat(predict.at("/params/model_id").asString()).isEqualTo(modelId);
    assertThat(predict.at("/params/use_drug_structure").asBoolean()).isTrue();
    assertThat(predict.get("owner_user_id").asLong())
        .isEqualTo(train.get("owner_user_id").asLong());
    Job predicted = user.awaitEnd(predict.get("id").asString());
    assertThat(predicted.status()).as("%s", predicted).isEqualTo(SUCCEEDED);
    assertThat(user.get("/api/v1/results?job_id=" + predicted.id()).expect(200).json().get("items"))
        .hasSize(1);

    // deleting the train job removes its model record, as that API's delete does
    JsonNode deleted = user.delete("/api/jobs/" + trained.id()).expect(200).json();
    assertThat(deleted.get("removed_models").asInt()).isEqualTo(1);
    assertThat(deleted.get("removed_results").asInt()).isZero();
  }

  @Test
  void a_bad_train_or_predict_body_is_400_naming_the_field() {
    Api user = newUser("parallel");

    assertRefused(
        user.post("/api/jobs/train", "{\"dataset_id\": \"d\", \"output_dim\": 2}"),
        400,
        "validation_failed",
        "gene_size");
    assertRefused(
        user.post(
            "/api/jobs/train", "{\"dataset_id\": \"d\", \"gene_size\": 0, \"output_dim\": 2}"),
        400,
        "validation_failed",
        "gene_size");
    assertRefused(
        user.post(
            "/api/jobs/predict",
            "{\"dataset_id\": \"d\", \"gene_size\": 3, \"output_dim\": \"two\"}"),
        400,
        "validation_failed",
        "output_dim");
    assertRefused(user.post("/api/jobs/train", "[1]"), 400, "validation_failed", "body");
    assertThat(user.get("/api/jobs").expect(200).json().get("items")).isEmpty();
  }

  @Test
  void get_log_and_list_answer_that_apis_shapes() {
    Api user = newUser("serial");
    Job running = runningSleeper(user);
    Job queued = user.submit("{\"command\":[\"true\"]}");
    assertThat(user.job(queued.id()).status()).isEqualTo(QUEUED);

    assertThat(job(user, running.id()).get("status").asString()).isEqualTo("running");
    assertThat(job(user, running.id()).get("type").asString()).isEqualTo("command");
    JsonNode queuedRecord = job(user, queued.id());
    assertThat(queuedRecord.get("status").asString()).isEqualTo("queued");
    assertThat(queuedRecord.get("started_at").isNull()).isTrue();
    // no log yet: 200 and an empty string
    assertThat(
            user.get("/api/jobs/" + queued.id() + "/log").expect(200).json().get("log").asString())
        .isEmpty();
    JsonNode items = user.get("/api/jobs").expect(200).json().get("items");
    assertThat(items).extracting(j -> j.get("id").asString()).contains(running.id(), queued.id());

    user.post("/api/jobs/" + running.id() + "/cancel", "").expect(200);
    user.awaitStatus(queued.id(), SUCCEEDED, TIMEOUT);
    Job echo = user.submitShell("echo hello from the log");
    user.awaitStatus(echo.id(), SUCCEEDED, TIMEOUT);
    assertThat(user.get("/api/jobs/" + echo.id() + "/log").expect(200).json().get("log").asString())
        .contains("hello from the log");
    Job long_ = user.submitShell("head -c 30000 /dev/zero | tr '\\0' x; echo; echo END");
    user.awaitStatus(long_.id(), SUCCEEDED, TIMEOUT);
    String tail =
        user.get("/api/jobs/" + long_.id() + "/log").expect(200).json().get("log").asString();
    assertThat(tail).hasSize(20_000).endsWith("END\n");
  }

  @Test
  void cancel_of_a_queued_job_cancels_it_and_of_a_running_one_requests_it_then_cancels() {
    Api user = newUser("serial");
    Job running = runningSleeper(user);
    Job queued = user.submit("{\"command\":[\"true\"]}");

    JsonNode canceled =
        user.post("/api/jobs/" + queued.id() + "/cancel", "").expect(200).json().get("job");
    assertThat(canceled.get("status").asString()).isEqualTo("canceled");

    // a process that ignores SIGTERM stays cancel_requested until it is killed
    Job stubborn = user.submitShell("trap '' TERM; sleep 300");
    user.post("/api/jobs/" + running.id() + "/cancel", "").expect(200);
    user.awaitStatus(stubborn.id(), RUNNING, TIMEOUT);
    JsonNode requested =
        user.post("/api/jobs/" + stubborn.id() + "/cancel", "").expect(200).json().get("job");
    assertThat(requested.get("status").asString()).isEqualTo("cancel_requested");
    await()
        .atMost(TIMEOUT)
        .until(() -> job(user, stubborn.id()).get("status").asString().equals("canceled"));
    assertThat(user.job(stubborn.id()).status()).isEqualTo(CANCELED);

    assertDetail(
        user.post("/api/jobs/" + stubborn.id() + "/cancel", ""),
        400,
        "Job is already finished: canceled");
    Job done = user.submit("{\"command\":[\"true\"]}");
    user.awaitStatus(done.id(), SUCCEEDED, TIMEOUT);
    assertDetail(
        user.post("/api/jobs/" + done.id() + "/cancel", ""),
        400,
        "Job is already finished: success");
  }

  @Test
  void delete_refuses_an_active_job_and_answers_what_went_with_a_finished_one() {
    Api user = newUser("parallel");
    Job running = runningSleeper(user);
    Api.Response active = user.delete("/api/jobs/" + running.id());
    assertThat(active.status()).isEqualTo(400);
    assertThat(active.json().get("detail").asString()).startsWith("Job is still active");
    user.get("/api/jobs/" + running.id()).expect(200);

    Job done = user.submit("{\"command\":[\"true\"]}");
    user.awaitStatus(done.id(), SUCCEEDED, TIMEOUT);
    Records.add(service.server(), done, 1, 2);
    JsonNode deleted = user.delete("/api/jobs/" + done.id()).expect(200).json();
    assertThat(deleted.get("deleted").asBoolean()).isTrue();
    assertThat(deleted.get("removed_models").asInt()).isEqualTo(1);
    assertThat(deleted.get("removed_results").asInt()).isEqualTo(2);
    assertDetail(user.get("/api/jobs/" + done.id()), 404, "Job not found");

    Job kept = user.submitShell("echo x > \"$JOBKIT_OUTPUT_DIR/out.txt\"");
    user.awaitStatus(kept.id(), SUCCEEDED, TIMEOUT);
    JsonNode keptAnswer =
        user.delete("/api/jobs/" + kept.id() + "?purge_artifacts=false").expect(200).json();
    assertThat(keptAnswer.get("removed_models").asInt()).isZero();
    assertThat(service.server().jobDir(kept.id()).resolve("output/out.txt")).exists();
    assertRefused(
        user.delete("/api/jobs/" + kept.id() + "?purge_artifacts=maybe"),
        400,
        "validation_failed",
        "purge_artifacts");
    user.post("/api/jobs/" + running.id() + "/cancel", "").expect(200);
  }

  @Test
  void unknown_jobs_and_another_users_jobs_are_not_found() {
    Api owner = newUser("parallel");
    Api other = newUser("parallel");
    Job job = runningSleeper(owner);

    for (Api.Response answer :
        List.of(
            owner.get("/api/jobs/job_nope"),
            owner.get("/api/jobs/job_nope/log"),
            owner.post("/api/jobs/job_nope/cancel", ""),
            owner.delete("/api/jobs/job_nope"),
            other.get("/api/jobs/" + job.id()),
            other.get("/api/jobs/" + job.id() + "/log"),
            other.post("/api/jobs/" + job.id() + "/cancel", ""),
            other.delete("/api/jobs/" + job.id()))) {
      assertDetail(answer, 404, "Job not found");
    }
    assertThat(other.get("/api/jobs").expect(200).json().get("items")).isEmpty();
    assertThat(owner.job(job.id()).status()).isEqualTo(RUNNING);
    Job othersJob = other.submit("{\"command\":[\"true\"]}");
    assertThat(job(owner, job.id()).get("owner_user_id").asLong())
        .isNotEqualTo(job(other, othersJob.id()).get("owner_user_id").asLong());
    owner.post("/api/jobs/" + job.id() + "/cancel", "").expect(200);
    other.post("/api/jobs/flush?scope=all", "").expect(200);
  }

  @Test
  void flush_removes_the_active_jobs_by_default_and_every_job_with_scope_all() {
    Api user = newUser("serial");
    Api bystander = newUser("parallel");
    Job done = user.submit("{\"command\":[\"true\"]}");
    user.awaitStatus(done.id(), SUCCEEDED, TIMEOUT);
    Records.add(service.server(), done, 2, 1);
    Job running = runningSleeper(user);
    Job queued = user.submit("{\"command\":[\"true\"]}");
    Job other = runningSleeper(bystander);

    JsonNode active = user.post("/api/jobs/flush", "").expect(200).json();

    assertThat(active.get("scope").asString()).isEqualTo("active");
    assertThat(active.get("deleted_jobs").asInt()).isEqualTo(2);
    assertThat(active.get("removed_models").asInt()).isZero();
    assertThat(active.get("removed_results").asInt()).isZero();
    assertThat(active.get("skipped_running_jobs")).isEmpty();
    assertDetail(user.get("/api/jobs/" + running.id()), 404, "Job not found");
    assertDetail(user.get("/api/jobs/" + queued.id()), 404, "Job not found");
    assertThat(job(user, done.id()).get("status").asString()).isEqualTo("success");

    JsonNode all = user.post("/api/jobs/flush?scope=all", "").expect(200).json();

    assertThat(all.get("scope").asString()).isEqualTo("all");
    assertThat(all.get("deleted_jobs").asInt()).isEqualTo(1);
    assertThat(all.get("removed_models").asInt()).isEqualTo(2);
    assertThat(all.get("removed_results").asInt()).isEqualTo(1);
    assertThat(user.get("/api/jobs").expect(200).json().get("items")).isEmpty();
    assertThat(bystander.job(other.id()).status()).isEqualTo(RUNNING);

    assertRefused(
        user.post("/api/jobs/flush?scope=everything", ""), 400, "validation_failed", "scope");
    bystander.post("/api/jobs/flush?scope=all&force=false&purge_artifacts=false", "").expect(200);
    assertThat(bystander.get("/api/jobs").expect(200).json().get("items")).isEmpty();
  }
}
