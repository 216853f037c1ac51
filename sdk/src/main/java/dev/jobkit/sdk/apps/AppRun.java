package dev.jobkit.sdk.apps;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.JobSpec;

/**
 * A submission of an app: its name, optionally a version, its parameters and the job's usual
 * options. The service checks the parameters against the app's schema, fills in the schema's
 * defaults and the app's defaults, and answers 400 naming {@code parameters.<name>} and the rule
 * for a wrong one.
 *
 * <pre>{@code
 * Job job = client.jobs().submit(
 *     AppRun.of("train").param("dataset", "cells.csv").param("lr", 1e-4).priority(7).build());
 * }</pre>
 *
 * @param spec the job spec it sends: {@code app}, {@code app_version}, {@code parameters} and the
 *     options, never {@code command} or {@code shell}
 */
public record AppRun(JobSpec spec) {

  /**
   * Starts a submission of the latest version of an app.
   *
   * @param app the app's name
   * @return a builder
   */
  public static Builder of(String app) {
    return new Builder(app);
  }

  /** Builds an {@link AppRun}; not thread-safe. */
  public static final class Builder {
    private final JobSpec.Builder spec = JobSpec.builder();

    private Builder(String app) {
      spec.app(app);
    }

    /**
     * Runs this version of the app rather than its latest.
     *
     * @param version a version the service gave the app
     * @return this builder
     */
    public Builder version(int version) {
      spec.appVersion(version);
      return this;
    }

    /**
     * Sets a parameter; a second value of the same name replaces the first.
     *
     * @param name the parameter's name in the app's schema
     * @param value a string, number, boolean, list or map, as the schema wants
     * @return this builder
     */
    public Builder param(String name, Object value) {
      spec.parameter(name, value);
      return this;
    }

    /**
     * A human name for the job; the app's name unless set.
     *
     * @param displayName the name lists show
     * @return this builder
     */
    public Builder displayName(String displayName) {
      spec.displayName(displayName);
      return this;
    }

    /**
     * Free text about the job.
     *
     * @param description what the job is for
     * @return this builder
     */
    public Builder description(String description) {
      spec.description(description);
      return this;
    }

    /**
     * The job's priority, over the app's default.
     *
     * @param priority 1 (lowest) to 9 (highest)
     * @return this builder
     */
    public Builder priority(int priority) {
      spec.priority(priority);
      return this;
    }

    /**
     * The job's number of processes, over the app's default.
     *
     * @param podCount 1 to the executor's slots
     * @return this builder
     */
    public Builder podCount(int podCount) {
      spec.podCount(podCount);
      return this;
    }

    /**
     * The job's time limit per attempt, over the app's default.
     *
     * @param timeoutSeconds the limit in seconds
     * @return this builder
     */
    public Builder timeoutSeconds(int timeoutSeconds) {
      spec.timeoutSeconds(timeoutSeconds);
      return this;
    }

    /**
     * The job's number of attempts, over the app's default.
     *
     * @param maxAttempts 1 to 100
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      spec.maxAttempts(maxAttempts);
      return this;
    }

    /**
     * Who else may see the job; {@code PRIVATE} unless set.
     *
     * @param accessibility private or public
     * @return this builder
     */
    public Builder accessibility(Accessibility accessibility) {
      spec.accessibility(accessibility);
      return this;
    }

    /**
     * Adds a tag.
     *
     * @param key the label's name
     * @param value its value
     * @return this builder
     */
    public Builder tag(String key, String value) {
      spec.tag(key, value);
      return this;
    }

    /**
     * Adds parents: the job is queued once they have all succeeded.
     *
     * @param jobIds ids of existing jobs, or refs of jobs of the same batch
     * @return this builder
     */
    public Builder parents(String... jobIds) {
      spec.parents(jobIds);
      return this;
    }

    /**
     * A name for the job inside a batch, for other jobs of the batch to name as parent.
     *
     * @param ref a name unique in the batch
     * @return this builder
     */
    public Builder ref(String ref) {
      spec.ref(ref);
      return this;
    }

    /**
     * The submission as set so far.
     *
     * @return the submission; the service validates it
     */
    public AppRun build() {
      return new AppRun(spec.build());
    }
  }
}
