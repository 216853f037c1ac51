package dev.jobkit.server.data;

import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.data.Result;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.store.DataStore;
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

  Outputs(DataStore store) {
    this.store = store;
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
