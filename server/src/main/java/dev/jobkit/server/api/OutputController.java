package dev.jobkit.server.api;

import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.data.Result;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.data.Outputs;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/models} and {@code /api/v1/results}: read-only, newest first, {@code ?job_id=} for
 * one job's. The train and predict apps make them; deleting their job deletes them.
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

  @GetMapping("/api/v1/results")
  ResultList results(Caller caller, @RequestParam(name = "job_id", required = false) String jobId) {
    return new ResultList(outputs.results(caller, jobId));
  }

  @GetMapping("/api/v1/results/{id}")
  Result result(Caller caller, @PathVariable String id) {
    return outputs.result(caller, id);
  }
}
