package dev.jobkit.server.exec;

import dev.jobkit.server.JobkitProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link JobExecutor} that {@code jobkit.executor.type} names, chosen when the service starts.
 *
 * <p>A factory method, not a condition on each executor: the launcher runs the service in Spring's
 * AOT mode, whose bean definitions are fixed when the jar is built, so a condition on a setting
 * would be decided by the build's settings, not the service's.
 */
@Configuration(proxyBeanMethods = false)
class ExecutorConfig {

  // No destroy method: the engine shuts the executor down once it has stopped dispatching.
  @Bean(destroyMethod = "")
  JobExecutor jobExecutor(
      JobkitProperties properties,
      JobFiles files,
      PodUsers users,
      DataDirModes dataDir,
      PodEnvironment environment) {
    return switch (properties.executor().type()) {
      case "slurm" -> new SlurmExecutor(properties, files, users, dataDir, environment);
      default -> new LocalProcessExecutor(properties, files, users, dataDir, environment);
    };
  }
}
