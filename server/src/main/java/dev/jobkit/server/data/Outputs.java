package dev.jobkit.server.data;

import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.data.Result;
import dev.jobkit.sdk.data.StoredFile;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.store.DataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * Models and results, read-only through the API: the service records them when a job of the {@code
 * train} or {@code predict} app succeeds, and deletes them with the job. A user sees those of their
 * own jobs, an admin everyone's; anything else is a 404, as for jobs.
 */
@Service
public class Outputs {

  private final DataStore store;
  private final JobFiles files;

  Outputs(DataStore store, JobFiles files) {
    this.store = store;
    this.files = files;
  }

  /** One recorded file of a model or result, and where its bytes are. */
  public record OutputFile(StoredFile file, Path path) {}

  /**
   * A file of a model the caller may see (a job's token sees its owner's): only a file the record
   * lists, read from the output dir of the job that made it; 404 otherwise, or when it is gone.
   */
  public OutputFile modelFile(Caller caller, String id, String path) {
    Model model = model(caller, id);
    return file("model", id, model.jobId(), model.files(), path);
  }

  /** A file of a result the caller may see, as {@link #modelFile}. */
  public OutputFile resultFile(Caller caller, String id, String path) {
    Result result = result(caller, id);
    return file("result", id, result.jobId(), result.files(), path);
  }

  private OutputFile file(
      String what, String id, String jobId, List<StoredFile> listed, String path) {
    StoredFile file =
        listed.stream()
            .filter(f -> f.path().equals(path))
            .findFirst()
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        what
                            + " "
                            + id
                            + " has no file '"
                            + path
                            + "'; its files are listed in it"));
    Path dir = files.outputDir(jobId);
    Path bytes = dir.resolve(file.path()).normalize();
    if (!bytes.startsWith(dir) || !Files.isRegularFile(bytes)) {
      throw ApiException.notFound(
          "the file '" + path + "' of " + what + " " + id + " is gone from its job's output");
    }
    return new OutputFile(file, bytes);
  }

  public List<Model> models(Caller caller, String jobId) {
    return store.models(caller.isAdmin() ? null : caller.name(), jobId);
  }

  public Model model(Caller caller, String id) {
    return store
        .model(id)
        .filter(m -> caller.isAdmin() || m.owner().equals(caller.name()))
        .orElseThrow(() -> notFound("model", id));
  }

  public List<Result> results(Caller caller, String jobId) {
    return store.results(caller.isAdmin() ? null : caller.name(), jobId);
  }

  public Result result(Caller caller, String id) {
    return store
        .result(id)
        .filter(r -> caller.isAdmin() || r.owner().equals(caller.name()))
        .orElseThrow(() -> notFound("result", id));
  }

  private static ApiException notFound(String what, String id) {
    return ApiException.notFound(
        "no " + what + " " + id + " (it does not exist, or you may not see it)");
  }
}
