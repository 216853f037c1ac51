package dev.jobkit.sdk.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The fields of a job that may change in any state; a null field is left as it is. Any other field
 * is refused by the service with a 400 naming it.
 *
 * <pre>{@code
 * new JobUpdate(null, null, 9, null, null); // raise the priority only
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
    Integer podCount) {}
