package dev.jobkit.sdk.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The fields of a job that may change in any state; a null field is left as it is. Any other field
 * is refused by the service with a 400 naming it.
 *
 * <pre>{@code
 * JobUpdate.builder().priority(9).build(); // raise the priority only
 * }</pre>
 *
 * @param displayName a new human name (not blank)
 * @param description a new description
 * @param priority 1 (lowest) to 9 (highest)
 * @param accessibility who else may see the job
 * @param podCount how many processes to run; a running job takes it at its next launch
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobUpdate(
    String displayName,
    String description,
    Integer priority,
    Accessibility accessibility,
    Integer podCount) {

  /**
   * Starts an update.
   *
   * @return a builder whose update changes nothing until its fields are set
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link JobUpdate}; what is not set is left as it is. */
  public static final class Builder {
    private String displayName;
    private String description;
    private Integer priority;
    private Accessibility accessibility;
    private Integer podCount;

    private Builder() {}

    /**
     * Renames the job.
     *
     * @param displayName a new human name (not blank)
     * @return this builder
     */
    public Builder displayName(String displayName) {
      this.displayName = displayName;
      return this;
    }

    /**
     * Replaces the job's description.
     *
     * @param description a new description
     * @return this builder
     */
    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /**
     * Changes which of the queued jobs is launched first: the higher, the sooner.
     *
     * @param priority 1 (lowest) to 9 (highest)
     * @return this builder
     */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /**
     * Changes who else may see the job.
     *
     * @param accessibility who else may see the job
     * @return this builder
     */
    public Builder accessibility(Accessibility accessibility) {
      this.accessibility = accessibility;
      return this;
    }

    /**
     * Changes how many processes each attempt runs.
     *
     * @param podCount how many processes to run; a running job takes it at its next launch
     * @return this builder
     */
    public Builder podCount(int podCount) {
      this.podCount = podCount;
      return this;
    }

    /**
     * The update as set so far.
     *
     * @return the update; a field not set is left as it is on the job
     */
    public JobUpdate build() {
      return new JobUpdate(displayName, description, priority, accessibility, podCount);
    }
  }
}
