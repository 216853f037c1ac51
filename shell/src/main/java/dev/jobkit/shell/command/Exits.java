package dev.jobkit.shell.command;

import dev.jobkit.sdk.AuthenticationException;
import dev.jobkit.sdk.ForbiddenException;
import dev.jobkit.sdk.InvalidStateException;
import dev.jobkit.sdk.JobkitApiException;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.TransportException;
import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.jobs.Attempt;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.shell.local.ServiceUnavailableException;
import java.util.List;

/**
 * The one mapping from what went wrong to the exit code and the sentence a user sees. Every command
 * goes through it (Spring Shell 4 has no global mapper, and its own codes are negative).
 *
 * <table>
 *   <tr><td>0</td><td>ok</td></tr>
 *   <tr><td>1</td><td>error</td></tr>
 *   <tr><td>2</td><td>usage, or refused (declined, no terminal to ask)</td></tr>
 *   <tr><td>3</td><td>not found</td></tr>
 *   <tr><td>4</td><td>invalid state</td></tr>
 *   <tr><td>5</td><td>service unreachable</td></tr>
 *   <tr><td>124</td><td>a wait timed out ({@code job wait --timeout}; the job goes on)</td></tr>
 *   <tr><td>130</td><td>stopped by Ctrl-C (what it acted on goes on)</td></tr>
 * </table>
 *
 * <p>A command that follows a job to its end exits 1 when the job did not succeed; {@code job
 * submit --wait} and {@code job wait} exit with the job's own exit code ({@link #ofJob}).
 */
public final class Exits {

  /** Done. */
  public static final int OK = 0;

  /** Failed for another reason. */
  public static final int ERROR = 1;

  /** Wrong usage, or refused. */
  public static final int USAGE = 2;

  /** The job (or user) does not exist. */
  public static final int NOT_FOUND = 3;

  /** Not allowed in the job's state. */
  public static final int INVALID_STATE = 4;

  /** The service cannot be reached. */
  public static final int UNREACHABLE = 5;

  /**
   * A wait gave up at its {@code --timeout}: the code of GNU {@code timeout}, so that a script can
   * tell a job that is still going from one that ended badly (1, or its own exit code).
   */
  public static final int TIMED_OUT = 124;

  /**
   * Stopped by Ctrl-C: 128 + SIGINT, the shells' convention, and what the JVM exits with when a
   * one-shot command is interrupted. The job (or flush) it waited for goes on.
   */
  public static final int INTERRUPTED = 130;

  private Exits() {}

  /**
   * The exit code and message of a failure.
   *
   * @param code the exit code
   * @param message what a user reads
   */
  public record Failure(int code, String message) {}

  /** Maps a failure; never shows a stack trace, only the sentence. */
  public static Failure of(Throwable e) {
    if (e instanceof UsageException || e instanceof RefusedException) {
      return new Failure(USAGE, e.getMessage());
    }
    if (e instanceof TimedOutException) {
      return new Failure(TIMED_OUT, e.getMessage());
    }
    if (e instanceof MissingException m) {
      return new Failure(NOT_FOUND, m.getMessage());
    }
    if (e instanceof NotFoundException n) {
      return new Failure(NOT_FOUND, apiMessage(n));
    }
    if (e instanceof InvalidStateException s) {
      return new Failure(INVALID_STATE, apiMessage(s));
    }
    if (e instanceof ValidationException v) {
      return new Failure(USAGE, apiMessage(v));
    }
    if (e instanceof AuthenticationException a) {
      return new Failure(
          ERROR, apiMessage(a) + " (check JOBKIT_API_KEY, or the credentials of the data dir)");
    }
    if (e instanceof ForbiddenException f) {
      return new Failure(ERROR, apiMessage(f));
    }
    if (e instanceof JobkitApiException api) {
      return new Failure(ERROR, apiMessage(api));
    }
    if (e instanceof TransportException t) {
      return new Failure(UNREACHABLE, t.getMessage());
    }
    if (e instanceof ServiceUnavailableException u) {
      return new Failure(UNREACHABLE, u.getMessage());
    }
    if (e instanceof IllegalArgumentException bad) {
      return new Failure(USAGE, bad.getMessage());
    }
    String message = e.getMessage();
    return new Failure(
        ERROR, message == null || message.isBlank() ? e.getClass().getSimpleName() : message);
  }

  /**
   * The exit code of a job followed to its end ({@code job watch ID}, {@code job logs --follow}): 0
   * if it {@code SUCCEEDED}, else 1.
   */
  public static int ofEnd(JobStatus status) {
    return status == JobStatus.SUCCEEDED ? OK : ERROR;
  }

  /**
   * The exit code of {@code job submit --wait} and {@code job wait}: the job's own, as {@code srun}
   * passes it through. 0 if it {@code SUCCEEDED}; the exit code of its last attempt when that is
   * one from 1 to 255; else (canceled, timed out, killed by a signal, never started) 1.
   */
  public static int ofJob(Job job) {
    if (job.status() == JobStatus.SUCCEEDED) {
      return OK;
    }
    List<Attempt> attempts = job.attempts() == null ? List.of() : job.attempts();
    Integer code = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).exitCode();
    return code != null && code > 0 && code < 256 ? code : ERROR;
  }

  /** The exit code of a guarded action's outcome. */
  public static int of(OutcomeKind kind) {
    return switch (kind) {
      case APPLIED -> OK;
      case UNVERIFIED -> ERROR;
      case DECLINED -> USAGE;
      case NOT_FOUND -> NOT_FOUND;
      case NOT_ALLOWED_IN_STATE, ALREADY_TERMINAL, RACE_LOST -> INVALID_STATE;
    };
  }

  private static String apiMessage(JobkitApiException e) {
    String detail = e.problem() == null ? null : e.problem().detail();
    String text = detail != null && !detail.isBlank() ? detail : e.getMessage();
    if (e instanceof ValidationException v && !v.errors().isEmpty()) {
      // The detail repeats the field errors: say each once, by the option typed.
      List<String> lines =
          v.errors().stream().map(err -> option(err.field()) + ": " + err.reason()).toList();
      return lines.size() == 1
          ? lines.get(0)
          : lines.size() + " values are not valid:\n  " + String.join("\n  ", lines);
    }
    return text;
  }

  /** The option (or argument) of the shell that sets an API field, or the field itself. */
  static String option(String field) {
    if (field == null) {
      return "value";
    }
    String bare = field.replaceAll("\\[\\d+]$", "");
    String option =
        switch (bare) {
          case "pod_count" -> "--pods";
          case "tail_chars" -> "--tail";
          case "parents" -> "--parent";
          case "timeout_seconds" -> "--timeout";
          case "max_attempts" -> "--attempts";
          case "display_name", "name_contains" -> "--name";
          case "tags", "tag" -> "--tag";
          case "env" -> "--env";
          case "command" -> "COMMAND";
          case "created_after" -> "--from";
          case "created_before" -> "--to";
          case "priority",
              "description",
              "shell",
              "status",
              "owner",
              "limit",
              "scope",
              "pod",
              "attempt" ->
              "--" + bare;
          default -> field;
        };
    return option.equals(field) || bare.equals(field) ? option : option + " (" + field + ")";
  }
}
