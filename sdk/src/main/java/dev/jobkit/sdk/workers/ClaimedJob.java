package dev.jobkit.sdk.workers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A job a worker claimed: everything it needs to run one attempt of it.
 *
 * @param jobId the job
 * @param attempt the attempt's number, from 1
 * @param maxAttempts the job's attempt limit
 * @param owner the user who submitted it
 * @param command the argv to run, or null when the job runs {@code shell}
 * @param shell the script to run with {@code /bin/sh -c}, or null when it runs {@code command}
 * @param env the job's extra environment; empty when it has none
 * @param podCount how many processes to start, each of which takes a slot
 * @param timeoutSeconds how long the attempt may run before it is ended as {@link
 *     ErrorKind#TIMEOUT}, or null for no limit
 * @param app the app the job runs, or null
 * @param appVersion the app's version, or null
 * @param parameters the app's parameters as given; empty for a job of no app
 * @param token the attempt's job token, which the pods get as {@code JOBKIT_TOKEN}
 * @param logOffsets where each pod's log stands on the service, by pod index: the offset at which
 *     this attempt's bytes go (earlier attempts' are before it); empty when the service did not
 *     say, and then an empty append at offset 0 answers it
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ClaimedJob(
    String jobId,
    int attempt,
    int maxAttempts,
    String owner,
    List<String> command,
    String shell,
    Map<String, String> env,
    int podCount,
    Long timeoutSeconds,
    String app,
    Integer appVersion,
    Map<String, Object> parameters,
    String token,
    List<Long> logOffsets) {

  /**
   * A claimed job; a null {@code env} or {@code parameters} is read as empty, and each is copied
   * and so is a null {@code logOffsets} ({@code command} stays null when the job runs a shell
   * script).
   *
   * @param jobId the job
   * @param attempt the attempt's number
   * @param maxAttempts the attempt limit
   * @param owner the job's owner
   * @param command the argv, or null
   * @param shell the script, or null
   * @param env the extra environment, or null
   * @param podCount how many processes
   * @param timeoutSeconds the time limit, or null
   * @param app the app, or null
   * @param appVersion the app's version, or null
   * @param parameters the app's parameters, or null
   * @param token the job token
   * @param logOffsets where each pod's log stands, or null
   */
  public ClaimedJob {
    command = command == null ? null : List.copyOf(command);
    env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
    parameters =
        parameters == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    logOffsets = logOffsets == null ? List.of() : List.copyOf(logOffsets);
  }
}
