package dev.jobkit.server.jobs;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.JobkitProperties;
import dev.jobkit.server.exec.JobExecutor;
import dev.jobkit.server.store.StoredText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/** Checks a job spec field by field and reports every wrong field at once. */
@Component
final class SpecValidator {

  static final int MAX_PRIORITY = 9;
  static final int MAX_TIMEOUT_SECONDS = 30 * 24 * 3600;
  static final int MAX_ATTEMPTS = 100;
  static final int MAX_TAGS = 50;
  static final int MAX_ENV = 200;
  static final int MAX_PARENTS = 100;
  static final int MAX_PARENT_LENGTH = 64;
  private static final Pattern TAG_KEY = Pattern.compile("[A-Za-z0-9._/-]{1,128}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern REF = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final int maxPods;
  private final int slots;

  SpecValidator(JobkitProperties properties, JobExecutor executor) {
    this.maxPods = properties.executor().maxPodsPerJob();
    this.slots = executor.slots();
  }

  /** Validates {@code spec}; {@code prefix} names it inside a batch ({@code "jobs[3]."}). */
  List<FieldError> check(JobSpec spec, String prefix, boolean inBatch) {
    List<FieldError> errors = new ArrayList<>();
    if (spec == null) {
      errors.add(new FieldError(prefix.isEmpty() ? "body" : prefix, "a job spec is required"));
      return errors;
    }
    if (spec.app() != null) {
      // The app's template is the command: a spec of an app names no command, shell or env.
      for (String field : notWithApp(spec)) {
        errors.add(
            new FieldError(
                prefix + field,
                "not allowed with app: the app's template makes the command and its environment;"
                    + " pass values as parameters"));
      }
      if (spec.app().isBlank()) {
        errors.add(new FieldError(prefix + "app", "must name an app"));
      }
      if (spec.appVersion() != null && spec.appVersion() < 1) {
        errors.add(
            new FieldError(
                prefix + "app_version", "must be a version from 1, not " + spec.appVersion()));
      }
    } else {
      if (spec.appVersion() != null) {
        errors.add(new FieldError(prefix + "app_version", "only meaningful with app"));
      }
      if (spec.parameters() != null && !spec.parameters().isEmpty()) {
        errors.add(
            new FieldError(
                prefix + "parameters", "only meaningful with app; a command takes its arguments"));
      }
      checkCommandOrShell(spec.command(), spec.shell(), prefix, errors);
    }
    if (spec.displayName() != null
        && (spec.displayName().isBlank() || spec.displayName().length() > 256)) {
      errors.add(new FieldError(prefix + "display_name", "must be 1 to 256 characters"));
    } else {
      checkText(prefix + "display_name", spec.displayName(), errors);
    }
    if (spec.description() != null && spec.description().length() > 4000) {
      errors.add(new FieldError(prefix + "description", "must be at most 4000 characters"));
    } else {
      checkText(prefix + "description", spec.description(), errors);
    }
    checkPodCount(spec.podCount(), prefix + "pod_count", errors);
    checkPriority(spec.priority(), prefix + "priority", errors);
    checkTimeout(spec.timeoutSeconds(), prefix + "timeout_seconds", errors);
    checkMaxAttempts(spec.maxAttempts(), prefix + "max_attempts", errors);
    checkTags(spec.tags(), prefix, errors);
    checkEnv(spec.env(), prefix, errors);
    if (spec.parents() != null) {
      if (spec.parents().size() > MAX_PARENTS) {
        errors.add(new FieldError(prefix + "parents", "at most " + MAX_PARENTS + " parents"));
      }
      for (int i = 0; i < spec.parents().size(); i++) {
        String parent = spec.parents().get(i);
        if (parent == null || parent.isBlank()) {
          errors.add(new FieldError(prefix + "parents[" + i + "]", "must be a job id"));
        } else if (parent.length() > MAX_PARENT_LENGTH) {
          errors.add(
              new FieldError(
                  prefix + "parents[" + i + "]",
                  "is not a job id or a ref: longer than " + MAX_PARENT_LENGTH + " characters"));
        } else if (StoredText.unstorable(parent).isPresent()) {
          checkText(prefix + "parents[" + i + "]", parent, errors);
        } else if (spec.parents().indexOf(parent) != i) {
          errors.add(new FieldError(prefix + "parents[" + i + "]", "is listed twice"));
        }
      }
    }
    if (spec.ref() != null) {
      if (!inBatch) {
        errors.add(
            new FieldError(
                prefix + "ref",
                "is only meaningful in a batch (POST /api/v1/jobs/batch); leave it out here"));
      } else if (!REF.matcher(spec.ref()).matches()) {
        errors.add(new FieldError(prefix + "ref", "use 1 to 64 letters, digits, '.', '_' or '-'"));
      }
    }
    return errors;
  }

  /** The fields a spec of an app must leave out, as they are sent. */
  private static List<String> notWithApp(JobSpec spec) {
    List<String> fields = new ArrayList<>();
    if (spec.command() != null) {
      fields.add("command");
    }
    if (spec.shell() != null) {
      fields.add("shell");
    }
    if (spec.env() != null && !spec.env().isEmpty()) {
      fields.add("env");
    }
    return fields;
  }

  /**
   * Exactly one of {@code command} (a non-empty argv without null items) and {@code shell} (a
   * non-blank script), both storable: the rule of a job spec and of an app's template.
   */
  static void checkCommandOrShell(
      List<String> command, String shell, String prefix, List<FieldError> errors) {
    boolean hasCommand = command != null;
    boolean hasShell = shell != null;
    if (hasCommand && hasShell) {
      errors.add(new FieldError(prefix + "command", "give either command or shell, not both"));
    } else if (!hasCommand && !hasShell) {
      errors.add(
          new FieldError(
              prefix + "command",
              "required: give command (an argv array such as [\"python\", \"train.py\"]) or"
                  + " shell (a string run with /bin/sh -c)"));
    }
    if (hasCommand) {
      checkArgv(command, prefix + "command", errors);
    }
    if (hasShell) {
      if (shell.isBlank()) {
        errors.add(new FieldError(prefix + "shell", "must not be blank"));
      } else if (shell.length() > StoredText.LARGE_COLUMN) {
        errors.add(
            new FieldError(
                prefix + "shell", "is longer than " + StoredText.LARGE_COLUMN + " characters"));
      } else {
        checkText(prefix + "shell", shell, errors);
      }
    }
  }

  /** An argv: at least the program, no null item, every item storable, the whole storable. */
  static void checkArgv(List<String> argv, String field, List<FieldError> errors) {
    if (argv.isEmpty()) {
      errors.add(new FieldError(field, "must hold at least the program to run"));
    }
    for (int i = 0; i < argv.size(); i++) {
      String arg = argv.get(i);
      if (arg == null || (i == 0 && arg.isBlank())) {
        errors.add(
            new FieldError(
                field + "[" + i + "]",
                i == 0 ? "the program must not be empty" : "must be a string, not null"));
      } else {
        checkText(field + "[" + i + "]", arg, errors);
      }
    }
    checkStoredSize(field, argv, errors);
  }

  static void checkTimeout(Integer seconds, String field, List<FieldError> errors) {
    if (seconds != null && (seconds < 1 || seconds > MAX_TIMEOUT_SECONDS)) {
      errors.add(
          new FieldError(
              field, "must be from 1 to " + MAX_TIMEOUT_SECONDS + " (30 days), not " + seconds));
    }
  }

  static void checkMaxAttempts(Integer attempts, String field, List<FieldError> errors) {
    if (attempts != null && (attempts < 1 || attempts > MAX_ATTEMPTS)) {
      errors.add(new FieldError(field, "must be from 1 to " + MAX_ATTEMPTS + ", not " + attempts));
    }
  }

  void checkPriority(Integer priority, String field, List<FieldError> errors) {
    if (priority != null && (priority < 1 || priority > MAX_PRIORITY)) {
      errors.add(new FieldError(field, "must be from 1 (lowest) to 9 (highest), not " + priority));
    }
  }

  void checkPodCount(Integer podCount, String field, List<FieldError> errors) {
    if (podCount == null) {
      return;
    }
    int max = Math.min(maxPods, slots);
    if (podCount < 1 || podCount > max) {
      errors.add(
          new FieldError(
              field,
              "must be from 1 to "
                  + max
                  + " (the executor has "
                  + slots
                  + " slots), not "
                  + podCount));
    }
  }

  private static void checkTags(Map<String, String> tags, String prefix, List<FieldError> errors) {
    if (tags == null) {
      return;
    }
    if (tags.size() > MAX_TAGS) {
      errors.add(new FieldError(prefix + "tags", "at most " + MAX_TAGS + " tags"));
    }
    tags.forEach(
        (k, v) -> {
          if (!TAG_KEY.matcher(k).matches()) {
            errors.add(
                new FieldError(
                    prefix + "tags." + k,
                    "a tag key is 1 to 128 letters, digits, '.', '_', '/' or '-'"));
          }
          if (v == null || v.length() > 512) {
            errors.add(
                new FieldError(
                    prefix + "tags." + k, "a tag value is a string of at most 512 characters"));
          } else {
            checkText(prefix + "tags." + k, v, errors);
          }
        });
    checkStoredSize(prefix + "tags", tags, errors);
  }

  static void checkEnv(Map<String, String> env, String prefix, List<FieldError> errors) {
    if (env == null) {
      return;
    }
    if (env.size() > MAX_ENV) {
      errors.add(new FieldError(prefix + "env", "at most " + MAX_ENV + " variables"));
    }
    env.forEach(
        (k, v) -> {
          if (!ENV_NAME.matcher(k).matches()) {
            errors.add(
                new FieldError(prefix + "env." + k, "is not a valid environment variable name"));
          } else if (k.startsWith("JOBKIT_")) {
            errors.add(
                new FieldError(
                    prefix + "env." + k, "JOBKIT_ variables are set by the service, not by jobs"));
          }
          if (v == null) {
            errors.add(new FieldError(prefix + "env." + k, "must be a string without NUL"));
          } else {
            checkText(prefix + "env." + k, v, errors);
          }
        });
    checkStoredSize(prefix + "env", env, errors);
  }

  /** NUL and lone surrogates can be neither stored (PostgreSQL) nor passed to a process. */
  static void checkText(String field, String value, List<FieldError> errors) {
    StoredText.unstorable(value).ifPresent(reason -> errors.add(new FieldError(field, reason)));
  }

  /**
   * A list or map is stored as JSON, where a quote takes 2 characters and a control character 6:
   * what must fit its column is that text, not the characters sent.
   */
  private static void checkStoredSize(String field, Object value, List<FieldError> errors) {
    int stored = StoredText.json(value).length();
    if (stored > StoredText.LARGE_COLUMN) {
      errors.add(
          new FieldError(
              field,
              "is too large: "
                  + stored
                  + " characters once stored as JSON (a quote or backslash counts 2, a control"
                  + " character 6), over the limit of "
                  + StoredText.LARGE_COLUMN));
    }
  }

  static void throwIfAny(List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
  }
}
