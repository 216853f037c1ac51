package dev.jobkit.tools.executor;

import dev.jobkit.sdk.GuardedActions;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.tools.registry.Inputs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The guarded job tools' actions: {@code stop_job}, {@code delete_job} and {@code flush_jobs}
 * through the SDK's {@link GuardedActions}, and running code ({@code submit_job}, {@code
 * submit_jobs}) checked and done here.
 */
final class JobActions {

  private final JobkitClient client;
  private final Duration verifyTimeout;
  private final Duration callLimit;
  private final GuardedActions readOnly;

  JobActions(JobkitClient client, Duration verifyTimeout, Duration callLimit) {
    this.client = client;
    this.verifyTimeout = verifyTimeout;
    this.callLimit = callLimit;
    this.readOnly = client.guarded(Confirmers.denyAll());
  }

  GuardedAction stop(Inputs.StopJob in) {
    return new GuardedAction.SdkAction(
        in.confirmationToken(), () -> readOnly.precheckStop(in.jobId())) {
      @Override
      public Outcome execute(Confirmer human) {
        return client.guarded(human).withVerifyTimeout(verifyTimeout).stop(in.jobId());
      }

      @Override
      public void describeResult(Outcome outcome, GuardedResultBuilder result) {
        result.job(JobViews.of(client.jobs().get(in.jobId())));
      }
    };
  }

  GuardedAction delete(Inputs.DeleteJob in) {
    boolean purge = in.purgeArtifacts() == null || in.purgeArtifacts();
    return new GuardedAction.SdkAction(
        in.confirmationToken(), () -> readOnly.precheckDelete(in.jobId(), purge)) {
      @Override
      public Outcome execute(Confirmer human) {
        return client.guarded(human).withVerifyTimeout(verifyTimeout).delete(in.jobId(), purge);
      }
    };
  }

  GuardedAction flush(Inputs.FlushJobs in) {
    boolean purge = in.purgeArtifacts() == null || in.purgeArtifacts();
    FlushScope scope = in.scope() == Inputs.Scope.ALL ? FlushScope.ALL : FlushScope.ACTIVE;
    return new GuardedAction.SdkAction(
        in.confirmationToken(), () -> readOnly.precheckFlush(scope, purge)) {
      @Override
      public Outcome execute(Confirmer human) {
        // A big flush outlasts a client's request timeout: followed for at most one wait's
        // limit, and if it still runs then, the answer names its operation for get_operation.
        return client
            .guarded(human)
            .withVerifyTimeout(verifyTimeout.compareTo(callLimit) < 0 ? verifyTimeout : callLimit)
            .flush(scope, purge, Boolean.TRUE.equals(in.force()));
      }
    };
  }

  GuardedAction submit(Inputs.SubmitJob in) {
    return new Submit(client, in.confirmationToken(), List.of(in), in.idempotencyKey());
  }

  GuardedAction submitAll(Inputs.SubmitJobs in) {
    return new Submit(client, in.confirmationToken(), in.jobs(), null);
  }

  /** Running code: one job or a pipeline. The person sees exactly what will run. */
  static final class Submit extends GuardedAction.AskThenDo {
    private final JobkitClient client;
    private final List<? extends Inputs.JobFields> jobs;
    private final String idempotencyKey;
    private List<Job> submitted = List.of();

    Submit(
        JobkitClient client,
        String token,
        List<? extends Inputs.JobFields> jobs,
        String idempotencyKey) {
      super(token);
      this.client = client;
      this.jobs = jobs;
      this.idempotencyKey = idempotencyKey;
    }

    @Override
    public Precheck precheck() {
      List<JobSpec> specs = new ArrayList<>();
      for (Inputs.JobFields job : jobs) {
        specs.add(JobSpecs.of(job)); // throws BadArguments before anything is asked
      }
      String consequence =
          jobs.size() == 1
              ? "It runs real code on the service with your rights: "
                  + JobSpecs.describe(jobs.get(0))
                  + "."
              : "They run real code on the service with your rights, in one step: "
                  + JobSpecs.describeAll(jobs)
                  + ".";
      String question = jobs.size() == 1 ? "Run this job?" : "Run these " + jobs.size() + " jobs?";
      String name = jobs.size() == 1 ? jobs.get(0).displayName() : null;
      return Prechecks.of(
          "submit",
          name,
          true,
          consequence,
          (jobs.size() == 1
                  ? "An agent wants to submit a job. "
                  : "An agent wants to submit a" + " pipeline of " + jobs.size() + " jobs. ")
              + consequence
              + " "
              + question
              + " [yes/no]");
    }

    @Override
    String doIt() {
      List<JobSpec> specs = jobs.stream().map(JobSpecs::of).toList();
      if (specs.size() == 1 && jobs.get(0) instanceof Inputs.SubmitJob) {
        submitted =
            List.of(
                idempotencyKey == null
                    ? client.jobs().submit(specs.get(0))
                    : client.jobs().submit(specs.get(0), idempotencyKey));
      } else {
        submitted = client.jobs().submitBatch(specs);
      }
      return "submitted "
          + (submitted.size() == 1
              ? "job " + submitted.get(0).id()
              : submitted.size() + " jobs: " + submitted.stream().map(Job::id).toList());
    }

    @Override
    public void describeResult(Outcome outcome, GuardedResultBuilder result) {
      if (jobs.size() == 1 && jobs.get(0) instanceof Inputs.SubmitJob) {
        result.job(JobViews.of(submitted.get(0)));
      } else {
        result.jobs(submitted.stream().map(JobViews::of).toList());
      }
    }
  }
}
