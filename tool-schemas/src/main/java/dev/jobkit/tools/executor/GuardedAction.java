package dev.jobkit.tools.executor;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.guard.GuardedActions;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.internal.PromptText;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.users.NewUser;
import dev.jobkit.sdk.users.Role;
import dev.jobkit.sdk.users.SchedulingMode;
import dev.jobkit.sdk.users.User;
import dev.jobkit.tools.registry.Inputs;
import dev.jobkit.tools.registry.Outputs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one guarded tool checks and does: the stops, deletes and flushes go through the SDK's {@link
 * GuardedActions} (pre-check from the lifecycle table, confirm, execute, verify); running code and
 * the admin writes are checked and done here, asking the same {@link Confirmer} first.
 */
interface GuardedAction {

  /** The confirmation token the call carries, or null on a first call. */
  String token();

  /** What the action would do, read now; changes nothing. */
  Precheck precheck();

  /** The jobs a token binds (their states are bound through the pre-check's status). */
  default List<String> bound(Precheck precheck) {
    return precheck.jobIds() == null ? List.of() : precheck.jobIds();
  }

  /** Asks {@code human}, then does it and verifies; nothing changes unless it says yes. */
  Outcome execute(Confirmer human);

  /** Adds what was made or changed to an executed call's result. */
  default void describeResult(Outcome outcome, GuardedResultBuilder result) {}

  /** The action of a guarded tool's input. */
  static GuardedAction of(Record input, JobkitClient client, Duration verifyTimeout) {
    GuardedActions readOnly = client.guarded(Confirmers.denyAll());
    if (input instanceof Inputs.StopJob in) {
      return new SdkAction(in.confirmationToken(), () -> readOnly.precheckStop(in.jobId())) {
        @Override
        public Outcome execute(Confirmer human) {
          return client.guarded(human).withVerifyTimeout(verifyTimeout).stop(in.jobId());
        }

        @Override
        public void describeResult(Outcome outcome, GuardedResultBuilder result) {
          result.job(JobViews.of(client.jobs().get(in.jobId())));
        }
      };
    } else if (input instanceof Inputs.DeleteJob in) {
      boolean purge = in.purgeArtifacts() == null || in.purgeArtifacts();
      return new SdkAction(
          in.confirmationToken(), () -> readOnly.precheckDelete(in.jobId(), purge)) {
        @Override
        public Outcome execute(Confirmer human) {
          return client.guarded(human).withVerifyTimeout(verifyTimeout).delete(in.jobId(), purge);
        }
      };
    } else if (input instanceof Inputs.FlushJobs in) {
      boolean purge = in.purgeArtifacts() == null || in.purgeArtifacts();
      FlushScope scope = in.scope() == Inputs.Scope.ALL ? FlushScope.ALL : FlushScope.ACTIVE;
      return new SdkAction(in.confirmationToken(), () -> readOnly.precheckFlush(scope, purge)) {
        @Override
        public Outcome execute(Confirmer human) {
          // A big flush outlasts a client's request timeout: followed for at most one wait's
          // limit, and if it still runs then, the answer names its operation for get_operation.
          Duration follow = Duration.ofSeconds(Inputs.WAIT_CALL_LIMIT_SECONDS);
          return client
              .guarded(human)
              .withVerifyTimeout(verifyTimeout.compareTo(follow) < 0 ? verifyTimeout : follow)
              .flush(scope, purge, Boolean.TRUE.equals(in.force()));
        }
      };
    } else if (input instanceof Inputs.SubmitJob in) {
      return new Submit(client, in.confirmationToken(), List.of(in), in.idempotencyKey());
    } else if (input instanceof Inputs.SubmitJobs in) {
      return new Submit(client, in.confirmationToken(), in.jobs(), null);
    } else if (input instanceof Inputs.CreateUser in) {
      return new CreateUser(client, in);
    } else if (input instanceof Inputs.SetSchedulingMode in) {
      return new SetMode(client, in);
    }
    throw new IllegalArgumentException("not a guarded tool's input: " + input.getClass());
  }

  /** An action the SDK's guarded actions check and do. */
  abstract class SdkAction implements GuardedAction {
    private final String token;
    private final java.util.function.Supplier<Precheck> precheck;

    SdkAction(String token, java.util.function.Supplier<Precheck> precheck) {
      this.token = token;
      this.precheck = precheck;
    }

    @Override
    public String token() {
      return token;
    }

    @Override
    public Precheck precheck() {
      return precheck.get();
    }
  }

  /** An action checked and done here: ask once, then do it. */
  abstract class AskThenDo implements GuardedAction {
    private final String token;

    AskThenDo(String token) {
      this.token = token;
    }

    @Override
    public String token() {
      return token;
    }

    /** Does it, once the person said yes; the outcome's message says what was done. */
    abstract String doIt();

    @Override
    public Outcome execute(Confirmer human) {
      long start = System.nanoTime();
      Precheck precheck = precheck();
      if (!precheck.allowed()) {
        return new Outcome(
            OutcomeKind.NOT_ALLOWED_IN_STATE,
            precheck,
            false,
            false,
            false,
            null,
            precheck.consequence(),
            null,
            Duration.ofNanos(System.nanoTime() - start));
      }
      if (!human.confirm(precheck)) {
        return new Outcome(
            OutcomeKind.DECLINED,
            precheck,
            false,
            false,
            false,
            null,
            "not confirmed; nothing was done",
            null,
            Duration.ofNanos(System.nanoTime() - start));
      }
      String done = doIt();
      return new Outcome(
          OutcomeKind.APPLIED,
          precheck,
          true,
          true,
          true,
          null,
          done,
          null,
          Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /** Running code: one job or a pipeline. The person sees exactly what will run. */
  final class Submit extends AskThenDo {
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

  /** Creating a user (admin). */
  final class CreateUser extends AskThenDo {
    private final JobkitClient client;
    private final Inputs.CreateUser in;
    private User created;

    CreateUser(JobkitClient client, Inputs.CreateUser in) {
      super(in.confirmationToken());
      this.client = client;
      this.in = in;
    }

    private Role role() {
      return in.role() == Inputs.NewRole.WORKER ? Role.WORKER : Role.USER;
    }

    private SchedulingMode mode() {
      return modeOf(in.schedulingMode());
    }

    @Override
    public Precheck precheck() {
      String who = PromptText.quoted(in.name());
      if (find(client, in.name()).isPresent()) {
        return Prechecks.of(
            "create_user", null, false, "A user named " + who + " exists already.", null);
      }
      String consequence =
          "It creates user "
              + who
              + " with role "
              + role().name().toLowerCase(java.util.Locale.ROOT)
              + " and scheduling mode "
              + mode().name().toLowerCase(java.util.Locale.ROOT)
              + "; users cannot be removed through the API.";
      return Prechecks.of(
          "create_user",
          null,
          true,
          consequence,
          "An agent wants to create a user. " + consequence + " Create it? [yes/no]");
    }

    @Override
    String doIt() {
      created = client.users().create(new NewUser(in.name(), role(), mode()));
      return "created user " + created.name();
    }

    @Override
    public void describeResult(Outcome outcome, GuardedResultBuilder result) {
      result.user(identity(created));
    }
  }

  /** Setting a user's scheduling mode (admin). */
  final class SetMode extends AskThenDo {
    private final JobkitClient client;
    private final Inputs.SetSchedulingMode in;
    private User changed;

    SetMode(JobkitClient client, Inputs.SetSchedulingMode in) {
      super(in.confirmationToken());
      this.client = client;
      this.in = in;
    }

    private SchedulingMode mode() {
      return modeOf(in.schedulingMode());
    }

    @Override
    public Precheck precheck() {
      String who = PromptText.quoted(in.user());
      Optional<User> user = find(client, in.user());
      if (user.isEmpty()) {
        return Prechecks.of(
            "set_scheduling_mode", null, false, "There is no user named " + who + ".", null);
      }
      String from = user.get().schedulingMode().name().toLowerCase(java.util.Locale.ROOT);
      String to = mode().name().toLowerCase(java.util.Locale.ROOT);
      String consequence =
          from.equals(to)
              ? "User " + who + " is " + to + " already; nothing changes."
              : "User "
                  + who
                  + " goes from "
                  + from
                  + " to "
                  + to
                  + (mode() == SchedulingMode.SERIAL
                      ? ": at most one of their jobs runs at a time."
                      : ": several of their jobs may run at once.");
      return Prechecks.of(
          "set_scheduling_mode",
          null,
          true,
          consequence,
          "An agent wants to change a user's scheduling mode. "
              + consequence
              + " Go ahead? [yes/no]");
    }

    @Override
    String doIt() {
      changed = client.users().setSchedulingMode(in.user(), mode());
      return "user " + changed.name() + " is " + changed.schedulingMode() + " now";
    }

    @Override
    public void describeResult(Outcome outcome, GuardedResultBuilder result) {
      result.user(identity(changed));
    }
  }

  /** The SDK's mode of a tool's mode; parallel when left out, as the service's default. */
  private static SchedulingMode modeOf(Inputs.Mode mode) {
    return mode == Inputs.Mode.SERIAL ? SchedulingMode.SERIAL : SchedulingMode.PARALLEL;
  }

  private static Optional<User> find(JobkitClient client, String name) {
    return client.users().list().stream().filter(u -> u.name().equals(name)).findFirst();
  }

  /** A user as tools show one. */
  static Outputs.Identity identity(User user) {
    return new Outputs.Identity(
        user.name(),
        user.role().name().toLowerCase(java.util.Locale.ROOT),
        user.schedulingMode().name().toLowerCase(java.util.Locale.ROOT));
  }
}
