package dev.jobkit.sdk.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What to run: the body of a job submission. Exactly one of {@code command} (an argv, run without a
 * shell), {@code shell} (a string run with {@code /bin/sh -c}) and {@code app} (a named app of the
 * service, with its {@code parameters}; see {@link dev.jobkit.sdk.apps.AppRun}) is required;
 * everything else has a default.
 *
 * <pre>{@code
 * JobSpec spec = JobSpec.builder()
 *     .command("python", "train.py", "--epochs", "10")
 *     .displayName("resnet-sweep")
 *     .priority(7)
 *     .timeoutSeconds(3600)
 *     .maxAttempts(3)
 *     .tag("team", "vision")
 *     .build();
 * }</pre>
 *
 * @param displayName a human name; defaults to the command
 * @param description free text
 * @param command the argv to run, without a shell; null when the job runs {@code shell} (the two
 *     are alternatives, so this one list may be null)
 * @param shell a script to run with {@code /bin/sh -c}
 * @param app the name of the app to run, instead of a command or shell
 * @param appVersion the app's version to run, or null for its latest
 * @param parameters the app's parameters, validated by the service against the app's schema
 * @param podCount how many processes to run, 1 to 64 (default 1)
 * @param priority 1 (lowest) to 9 (highest), default 5
 * @param accessibility who else may see the job, default {@code PRIVATE}
 * @param tags free key/value labels; empty for none
 * @param parents ids of jobs that must succeed first; in a batch, also the {@code ref} of another
 *     job of the same batch; empty for none
 * @param env extra environment variables for the job's processes; empty for none
 * @param timeoutSeconds how long one attempt may run before it is killed, or null for no limit
 * @param maxAttempts how many times to launch it at most, 1 to 100 (default 1)
 * @param ref a name for this job inside a batch submission, so that other jobs of the batch can
 *     list it in their {@code parents}; only allowed in a batch
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record JobSpec(
    String displayName,
    String description,
    List<String> command,
    String shell,
    String app,
    Integer appVersion,
    Map<String, Object> parameters,
    Integer podCount,
    Integer priority,
    Accessibility accessibility,
    Map<String, String> tags,
    List<String> parents,
    Map<String, String> env,
    Integer timeoutSeconds,
    Integer maxAttempts,
    String ref) {

  /**
   * A spec; null {@code parameters}, {@code tags}, {@code parents} and {@code env} are read as
   * empty ones, and every list and map is copied, unmodifiable and in its order, so it does not
   * change once made. Empty ones are left out of the JSON sent, as null ones were.
   *
   * @param displayName a human name; defaults to the command
   * @param description free text
   * @param command the argv to run, without a shell; null when the job runs {@code shell} (the two
   *     are alternatives, so this one list may be null)
   * @param shell a script to run with {@code /bin/sh -c}
   * @param app the name of the app to run, instead of a command or shell
   * @param appVersion the app's version to run, or null for its latest
   * @param parameters the app's parameters, validated by the service against the app's schema;
   *     empty for none
   * @param podCount how many processes to run, 1 to 64 (default 1)
   * @param priority 1 (lowest) to 9 (highest), default 5
   * @param accessibility who else may see the job, default {@code PRIVATE}
   * @param tags free key/value labels; empty for none
   * @param parents ids of jobs that must succeed first; in a batch, also the {@code ref} of another
   *     job of the same batch; empty for none
   * @param env extra environment variables for the job's processes; empty for none
   * @param timeoutSeconds how long one attempt may run before it is killed, or null for no limit
   * @param maxAttempts how many times to launch it at most, 1 to 100 (default 1)
   * @param ref a name for this job inside a batch submission, so that other jobs of the batch can
   *     list it in their {@code parents}; only allowed in a batch
   */
  public JobSpec {
    command = command == null ? null : Copies.list(command);
    tags = Copies.map(tags);
    parents = Copies.list(parents);
    env = Copies.map(env);
    parameters = Copies.map(parameters);
  }

  /**
   * Starts a spec; call {@link Builder#command} or {@link Builder#shell}, then build.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link JobSpec}; not thread-safe. */
  public static final class Builder {
    private String displayName;
    private String description;
    private List<String> command;
    private String shell;
    private String app;
    private Integer appVersion;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private Integer podCount;
    private Integer priority;
    private Accessibility accessibility;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final List<String> parents = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Integer timeoutSeconds;
    private Integer maxAttempts;
    private String ref;

    private Builder() {}

    /**
     * The argv to run, without a shell.
     *
     * @param argv the program and its arguments, each passed as it is
     * @return this builder
     */
    public Builder command(String... argv) {
      this.command = List.of(argv);
      return this;
    }

    /**
     * The argv to run, without a shell.
     *
     * @param argv the program and its arguments, each passed as it is; copied
     * @return this builder
     */
    public Builder command(List<String> argv) {
      this.command = List.copyOf(argv);
      return this;
    }

    /**
     * A script to run with {@code /bin/sh -c}, instead of a command.
     *
     * @param script the shell script, pipes and redirections included
     * @return this builder
     */
    public Builder shell(String script) {
      this.shell = script;
      return this;
    }

    /**
     * An app of the service to run, instead of a command or a shell script.
     *
     * @param name the app's name
     * @return this builder
     */
    public Builder app(String name) {
      this.app = name;
      return this;
    }

    /**
     * Which version of the app to run; its latest unless set.
     *
     * @param version a version the service assigned to the app
     * @return this builder
     */
    public Builder appVersion(int version) {
      this.appVersion = version;
      return this;
    }

    /**
     * Sets one of the app's parameters; a second value of the same name replaces the first.
     *
     * @param name the parameter's name, as the app's schema names it
     * @param value a string, number, boolean, list or map, as the schema wants it
     * @return this builder
     */
    public Builder parameter(String name, Object value) {
      this.parameters.put(name, value);
      return this;
    }

    /**
     * A human name for the job; without one the service names it after its command.
     *
     * @param displayName the name lists and prompts show
     * @return this builder
     */
    public Builder displayName(String displayName) {
      this.displayName = displayName;
      return this;
    }

    /**
     * Free text about the job.
     *
     * @param description what the job is for, for the people who read its details
     * @return this builder
     */
    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /**
     * How many processes each attempt runs; 1 unless set.
     *
     * @param podCount 1 to 64
     * @return this builder
     */
    public Builder podCount(int podCount) {
      this.podCount = podCount;
      return this;
    }

    /**
     * Which of the queued jobs is launched first: the higher, the sooner; 5 unless set.
     *
     * @param priority 1 (lowest) to 9 (highest)
     * @return this builder
     */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /**
     * Who else may see the job; {@code PRIVATE} unless set.
     *
     * @param accessibility private to its owner (and admins), or public to every user
     * @return this builder
     */
    public Builder accessibility(Accessibility accessibility) {
      this.accessibility = accessibility;
      return this;
    }

    /**
     * Adds one tag; a second tag of the same key replaces the first.
     *
     * @param key the label's name, filterable with {@code tag=key=value}
     * @param value the label's value
     * @return this builder
     */
    public Builder tag(String key, String value) {
      this.tags.put(key, value);
      return this;
    }

    /**
     * Adds parent jobs: the job is queued only once they have all succeeded.
     *
     * @param jobIds ids of existing jobs, or, in a batch, the {@code ref} of jobs of the same batch
     * @return this builder
     */
    public Builder parents(String... jobIds) {
      this.parents.addAll(List.of(jobIds));
      return this;
    }

    /**
     * Adds one environment variable to the job's processes; a second of the same name replaces the
     * first.
     *
     * @param name the variable's name
     * @param value its value
     * @return this builder
     */
    public Builder env(String name, String value) {
      this.env.put(name, value);
      return this;
    }

    /**
     * How long one attempt may run before it is killed; no limit unless set.
     *
     * @param timeoutSeconds the limit in seconds
     * @return this builder
     */
    public Builder timeoutSeconds(int timeoutSeconds) {
      this.timeoutSeconds = timeoutSeconds;
      return this;
    }

    /**
     * How long one attempt may run before it is killed: {@code timeout(Duration.ofHours(2))}.
     *
     * @param timeout whole seconds, at least one (the service counts in seconds)
     * @return this builder
     * @throws IllegalArgumentException for less than a second or a fraction of one, which the
     *     service could only round
     */
    public Builder timeout(java.time.Duration timeout) {
      if (timeout.compareTo(java.time.Duration.ofSeconds(1)) < 0 || timeout.getNano() != 0) {
        throw new IllegalArgumentException(
            "a job's timeout is whole seconds, at least 1, not " + timeout);
      }
      if (timeout.getSeconds() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("a job's timeout of " + timeout + " is too long");
      }
      this.timeoutSeconds = (int) timeout.getSeconds();
      return this;
    }

    /**
     * How many times to launch the job at most: a failed attempt is retried until this many have
     * run; 1 unless set.
     *
     * @param maxAttempts 1 to 100
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * A name for this job inside a batch submission, so other jobs of the batch can name it as a
     * parent before it has an id.
     *
     * @param ref a name unique in the batch; only allowed in a batch
     * @return this builder
     */
    public Builder ref(String ref) {
      this.ref = ref;
      return this;
    }

    /**
     * The spec as set so far.
     *
     * @return the spec; the service validates it when it is submitted, not this method
     */
    public JobSpec build() {
      return new JobSpec(
          displayName,
          description,
          command,
          shell,
          app,
          appVersion,
          parameters.isEmpty()
              ? null
              : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters)),
          podCount,
          priority,
          accessibility,
          tags,
          parents,
          env,
          timeoutSeconds,
          maxAttempts,
          ref);
    }
  }
}
