package dev.jobkit.server.exec;

import dev.jobkit.server.exec.JobExecutor.Launch;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The environment a pod gets, whatever runs it: an allow-list, never the service's own. Nothing of
 * the service's but {@code PATH}, {@code HOME}, {@code LANG}, {@code TZ}, {@code USER} and {@code
 * LC_*} ({@code USER} is the run-as account's when pods run as other users), then the job's own
 * {@code env}, then the {@code JOBKIT_*} variables with the job token, which nothing overrides.
 */
@Component
class PodEnvironment {

  /** The only variables of the service's environment a job gets, with {@code LC_*}. */
  private static final Set<String> INHERITED = Set.of("PATH", "HOME", "LANG", "TZ", "USER");

  static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private final JobFiles files;
  private final ServiceUrl serviceUrl;
  private final Map<String, String> inherited = inheritedEnvironment();

  PodEnvironment(JobFiles files, ServiceUrl serviceUrl) {
    this.files = files;
    this.serviceUrl = serviceUrl;
  }

  /** What every pod of an attempt gets; {@code user} is null when pods run as the service. */
  Map<String, String> ofAttempt(Launch launch, PodUser user) {
    Map<String, String> env = new HashMap<>(inherited);
    if (user != null) {
      env.put("USER", user.name());
    }
    env.putAll(launch.env());
    env.put("JOBKIT_URL", serviceUrl.get());
    env.put("JOBKIT_TOKEN", launch.token());
    env.put("JOBKIT_JOB_ID", launch.jobId());
    env.put("JOBKIT_POD_COUNT", Integer.toString(launch.podCount()));
    env.put("JOBKIT_ATTEMPT", Integer.toString(launch.attempt()));
    env.put("JOBKIT_OUTPUT_DIR", files.outputDir(launch.jobId()).toString());
    env.put("JOBKIT_PROGRESS_FILE", files.progressFile(launch.jobId()).toString());
    env.put("JOBKIT_METRICS_FILE", files.metricsFile(launch.jobId()).toString());
    return env;
  }

  /**
   * One pod's: {@code attempt}'s with its index, the hook it runs (if any), and, when it runs as
   * another user and the job set no {@code HOME}, its work dir as {@code HOME}.
   */
  Map<String, String> ofPod(Map<String, String> attempt, Launch launch, int pod, PodUser user) {
    Map<String, String> env = new HashMap<>(attempt);
    env.put("JOBKIT_POD_INDEX", Integer.toString(pod));
    if (launch.hook() != null) {
      env.put("JOBKIT_HOOK", launch.hook());
    }
    if (user != null && !launch.env().containsKey("HOME")) {
      // The run-as account has no home of its own; the pod's work dir is private to the job.
      Path workDir = files.podWorkDir(launch.jobId(), pod);
      env.put("HOME", workDir.toString());
    }
    return env;
  }

  /** What a job gets of the service's environment, which does not change while it runs. */
  private static Map<String, String> inheritedEnvironment() {
    Map<String, String> env = new HashMap<>();
    System.getenv()
        .forEach(
            (name, value) -> {
              if (INHERITED.contains(name) || name.startsWith("LC_")) {
                env.put(name, value);
              }
            });
    env.putIfAbsent("PATH", DEFAULT_PATH);
    return Map.copyOf(env);
  }
}
