package dev.jobkit.server.support;

import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.data.Result;
import dev.jobkit.sdk.data.StoredFile;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.store.DataStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Model and result records for tests of what removes them (delete, flush), put straight into the
 * store as the train and predict apps' jobs leave them when they succeed: what produces them is not
 * under test there (TrainPredictIT tests that).
 */
public final class Records {

  private Records() {}

  /**
   * Records {@code models} models and {@code results} results of {@code job}, with ids {@code
   * model_<job>_<i>} and {@code result_<job>_<i>}.
   */
  public static void add(JobkitServer server, Job job, int models, int results) {
    DataStore store = server.bean(DataStore.class);
    List<StoredFile> files = List.of(new StoredFile("output/model.json", 2, "0".repeat(64)));
    for (int i = 0; i < models; i++) {
      store.addModel(
          new Model(
              "model_" + job.id() + "_" + i,
              job.id(),
              job.owner(),
              "train",
              files,
              Map.of("loss", 0.5),
              Map.of("gene_size", 4),
              Instant.now()));
    }
    for (int i = 0; i < results; i++) {
      store.addResult(
          new Result(
              "result_" + job.id() + "_" + i,
              job.id(),
              job.owner(),
              "predict",
              null,
              files,
              Map.of(),
              Map.of("gene_size", 4),
              Instant.now()));
    }
  }
}
