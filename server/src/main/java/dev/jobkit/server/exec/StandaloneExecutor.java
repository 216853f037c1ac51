package dev.jobkit.server.exec;

import dev.jobkit.server.JobkitProperties;

/**
 * The local executor and the parts it stands on ({@link JobFiles}, {@link PodUsers}, {@link
 * DataDirModes}, {@link PodEnvironment}), built with their plain constructors, for a process that
 * is not the service: the external worker ({@code jobkit worker}), which runs jobs with the same
 * code as the service's own executor, under a data dir of its own, with {@code JOBKIT_URL} the
 * service it works for.
 *
 * <p>No Spring context: these parts need nothing but their settings, and a context would bring the
 * database and web server auto-configuration the worker must not start.
 */
public final class StandaloneExecutor {

  private final JobFiles files;
  private final LocalProcessExecutor executor;

  private StandaloneExecutor(JobFiles files, LocalProcessExecutor executor) {
    this.files = files;
    this.executor = executor;
  }

  /**
   * Makes the data dir ({@code jobkit.data-dir}) private as the service does, then the executor.
   *
   * @param properties the settings: the data dir and {@code jobkit.executor.*}
   * @param serviceUrl what the pods get as {@code JOBKIT_URL}
   * @return the executor, ready to start attempts
   */
  public static StandaloneExecutor start(JobkitProperties properties, String serviceUrl) {
    JobFiles files = new JobFiles(properties);
    PodUsers users = new PodUsers(properties);
    DataDirModes modes = new DataDirModes(properties, files, users);
    modes.start();
    return new StandaloneExecutor(
        files,
        new LocalProcessExecutor(
            properties,
            files,
            users,
            modes,
            new PodEnvironment(files, ServiceUrl.fixed(serviceUrl))));
  }

  /** The executor: starts, watches and terminates attempts. */
  public JobExecutor executor() {
    return executor;
  }

  /** Where the jobs' files are under the data dir. */
  public JobFiles files() {
    return files;
  }

  /** Kills every process the executor started and ends its threads. */
  public void shutdown() {
    executor.shutdown();
  }
}
