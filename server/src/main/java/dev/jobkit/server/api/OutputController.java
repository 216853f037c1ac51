package dev.jobkit.server.api;

import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.data.Result;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.data.Outputs;
import java.util.List;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/models} and {@code /api/v1/results}: read-only, newest first, {@code ?job_id=} for
 * one job's; their files at {@code /api/v1/models/{id}/files/{name}} and {@code
 * /api/v1/results/{id}/files/{name}} (the files at the top of the job's output dir, which is where
 * the shipped apps write theirs). The train and predict apps make them; deleting their job deletes
 * them.
 */
@RestController
class OutputController {

  /** Models without paging. */
  record ModelList(List<Model> items) {}

  /** Results without paging. */
  record ResultList(List<Result> items) {}

  private final Outputs outputs;

  OutputController(Outputs outputs) {
    this.outputs = outputs;
  }

  @GetMapping("/api/v1/models")
  ModelList models(Caller caller, @RequestParam(name = "job_id", required = false) String jobId) {
    return new ModelList(outputs.models(caller, jobId));
  }

  @GetMapping("/api/v1/models/{id}")
  Model model(Caller caller, @PathVariable String id) {
    return outputs.model(caller, id);
  }

  /**
   * One of a model's files, as its record lists it, with its recorded SHA-256 as the {@code ETag}:
   * what a predict job reads with its token, so a reader can check the bytes against the record.
   */
  @GetMapping("/api/v1/models/{id}/files/{name}")
  ResponseEntity<Resource> modelFile(
      Caller caller, @PathVariable String id, @PathVariable String name) {
    return send(outputs.modelFile(caller, id, name));
  }

  /** One of a result's files ({@code predictions.csv}), as {@link #modelFile}. */
  @GetMapping("/api/v1/results/{id}/files/{name}")
  ResponseEntity<Resource> resultFile(
      Caller caller, @PathVariable String id, @PathVariable String name) {
    return send(outputs.resultFile(caller, id, name));
  }

  private static ResponseEntity<Resource> send(Outputs.OutputFile file) {
    return ResponseEntity.ok()
        .eTag("\"" + file.file().sha256() + "\"")
        .contentType(
            file.path().toString().endsWith(".json")
                ? MediaType.APPLICATION_JSON
                : MediaType.parseMediaType("text/csv"))
        .body(new FileSystemResource(file.path()));
  }

  @GetMapping("/api/v1/results")
  ResultList results(Caller caller, @RequestParam(name = "job_id", required = false) String jobId) {
    return new ResultList(outputs.results(caller, jobId));
  }

  @GetMapping("/api/v1/results/{id}")
  Result result(Caller caller, @PathVariable String id) {
    return outputs.result(caller, id);
  }
}
