package dev.jobkit.server;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The service's settings, under {@code jobkit.*}. Every one has a default, so the service starts
 * with none set.
 *
 * @param dataDir where the database, job files and credentials live: {@code ~/.jobkit}, or {@code
 *     /var/lib/jobkit} for root, whose home its pods (unprivileged users) cannot pass through
 * @param datasource the database; the embedded H2 file under the data dir when no URL is set
 * @param executor what runs pods (local processes, or Slurm jobs) and how
 * @param scheduling per-user concurrency limits and the dispatcher's sweep
 * @param auth the admin key bootstrap
 * @param api request limits
 * @param limits what one user may hold of the service
 * @param datasets where datasets may be registered from, and how large an upload may be
 * @param transfers where apps' {@code stage_in} and {@code stage_out} may read and write
 */
@ConfigurationProperties("jobkit")
public record JobkitProperties(
    Path dataDir,
    @DefaultValue Datasource datasource,
    @DefaultValue Executor executor,
    @DefaultValue Scheduling scheduling,
    @DefaultValue Auth auth,
    @DefaultValue Api api,
    @DefaultValue Limits limits,
    @DefaultValue Datasets datasets,
    @DefaultValue Transfers transfers) {

  public JobkitProperties {
    // Defaults of a properties record are not placeholder-resolved, so this one is set here.
    if (dataDir == null) {
      dataDir = defaultDataDir();
    }
  }

  /**
   * {@code ~/.jobkit}, except for root: its pods run as unprivileged users, who cannot pass through
   * {@code /root} (mode {@code 0700}), so root's service keeps its data where daemons keep theirs.
   */
  public static Path defaultDataDir() {
    if (new UnixSystem().getUid() == 0) {
      return Path.of("/var/lib/jobkit");
    }
    return Path.of(System.getProperty("user.home"), ".jobkit");
  }

  /**
   * @param url a JDBC URL ({@code jdbc:postgresql://...}); empty for the embedded H2 database
   * @param username the database user
   * @param password the database password
   * @param leaseTtl how long this service's hold on the database lasts after its last renewal
   *     (renewed every third of it): a second service refuses to start while it lasts, and one that
   *     starts after a crash of the first waits at most this long (not at all on the same host,
   *     where it sees that the holder's process is gone)
   * @param shared whether several services may share this PostgreSQL database (every one of them
   *     must say so): each then claims with row and owner locks and reads the others' events back
   *     from the database, which costs a service alone part of its write throughput; off, the
   *     database is this service's alone, as on H2
   */
  public record Datasource(
      String url,
      String username,
      String password,
      @DefaultValue("15s") Duration leaseTtl,
      @DefaultValue("false") boolean shared) {}

  /**
   * @param slots how many pods may run at once; 0 means the number of cores
   * @param stopGracePeriod how long a stopped job's processes get between TERM and KILL
   * @param maxPodsPerJob the largest {@code pod_count} a job may ask for
   * @param useSetsidCommand start pods through the {@code setsid} command even where the C library
   *     can start them in a new session itself (slower; what a C library without that gets anyway)
   * @param runAs when the service runs as root: the unprivileged account whose group and name the
   *     pods get (created with {@code useradd --system} if missing); never root
   * @param podUids when the service runs as root: the uids ({@code first-last}) that running jobs
   *     get, one of its own per job, so that no job can read another's files or signal its
   *     processes; a range no account or file on the machine uses
   * @param descendants how every process a pod starts is found, to be killed when the pod ends or
   *     is stopped, even one in a session of its own or re-parented away: {@code cgroup} (a pids
   *     cgroup v1 per pod; needs root and {@code /sys/fs/cgroup/pids}), {@code marker} (a random
   *     {@code JOBKIT_POD_MARKER} in the pod's environment, found in {@code /proc}, with the
   *     service as child subreaper), or {@code auto}: cgroup where the service can make one, else
   *     marker
   * @param maxProcessesPerPod the most processes and threads one pod may have at once, at least 2
   *     (a fork or thread beyond it fails with {@code EAGAIN}); enforced by the pod's pids cgroup,
   *     so only where {@code descendants} is {@code cgroup}
   * @param maxLogBytesPerPod the largest a pod's log may grow (with what earlier attempts wrote):
   *     there the log is cut with a line that says so, the rest of the pod's output is discarded,
   *     and the job goes on; its {@code status_reason} at the end says which logs were cut
   * @param jobNiceness how much higher than the service's the nice value of pods and of every
   *     process they start is, 0 to 19 (at most 19 in all): with the default 15 the service keeps
   *     the CPU first when jobs keep every core busy; 0 runs them at the service's own
   * @param lifecycleNiceness how much higher than the service's the nice value of its threads that
   *     dispatch, launch, watch and end jobs (the dispatcher, the launchers, the reapers, the Slurm
   *     executor's poll) is, 0 to 19: with the default 5 the answers to requests come first on a
   *     busy machine, and that background work gets what they leave (a third as much as a request
   *     thread when both want a core); 0 runs it at the service's own
   * @param type what runs pods: {@code local} (processes on this machine, the default) or {@code
   *     slurm} (each pod a Slurm job: docs/slurm.md)
   * @param slurm the Slurm executor's settings, when {@code type} is {@code slurm}
   */
  public record Executor(
      @DefaultValue("0") int slots,
      @DefaultValue("10s") Duration stopGracePeriod,
      @DefaultValue("64") int maxPodsPerJob,
      @DefaultValue("false") boolean useSetsidCommand,
      @DefaultValue("jobkit") String runAs,
      @DefaultValue("1900000000-1900065535") String podUids,
      @DefaultValue("auto") String descendants,
      @DefaultValue("1024") int maxProcessesPerPod,
      @DefaultValue("1GB") DataSize maxLogBytesPerPod,
      @DefaultValue("15") int jobNiceness,
      @DefaultValue("5") int lifecycleNiceness,
      @DefaultValue("local") String type,
      @DefaultValue Slurm slurm) {

    /** The executors {@code type} may name. */
    public static final List<String> TYPES = List.of("local", "slurm");

    public Executor {
      if (!TYPES.contains(type)) {
        throw new IllegalArgumentException(
            "jobkit.executor.type must be one of " + TYPES + ", not '" + type + "'");
      }
      checkNiceness("job-niceness", jobNiceness);
      checkNiceness("lifecycle-niceness", lifecycleNiceness);
    }

    private static void checkNiceness(String name, int value) {
      if (value < 0 || value > 19) {
        throw new IllegalArgumentException(
            "jobkit.executor." + name + " must be 0 to 19, not " + value);
      }
    }

    /** The slot count in force: the configured one, or the number of cores. */
    public int effectiveSlots() {
      return slots > 0 ? slots : Runtime.getRuntime().availableProcessors();
    }
  }

  /**
   * The Slurm executor's settings ({@code jobkit.executor.type=slurm}; docs/slurm.md).
   *
   * @param slots how many pods may run at once; 0 means the cluster's CPUs ({@code sinfo}) at start
   * @param partition the partition pods are submitted to; empty for the cluster's default
   * @param account the Slurm account pods are charged to; empty for the submitting user's default
   * @param cpusPerPod the CPUs each pod asks for ({@code --cpus-per-task})
   * @param pollInterval how often one {@code squeue} call reads the state of every pod
   * @param commandDir where {@code sbatch}, {@code squeue}, {@code scancel} and {@code sinfo} are;
   *     empty to find them on the service's {@code PATH}
   */
  public record Slurm(
      @DefaultValue("0") int slots,
      @DefaultValue("") String partition,
      @DefaultValue("") String account,
      @DefaultValue("1") int cpusPerPod,
      @DefaultValue("250ms") Duration pollInterval,
      @DefaultValue("") String commandDir) {

    public Slurm {
      if (cpusPerPod < 1) {
        throw new IllegalArgumentException(
            "jobkit.executor.slurm.cpus-per-pod must be at least 1, not " + cpusPerPod);
      }
      if (pollInterval.toMillis() < 10) {
        throw new IllegalArgumentException(
            "jobkit.executor.slurm.poll-interval must be at least 10ms, not " + pollInterval);
      }
    }
  }

  /**
   * @param parallelLimit how many jobs a user in {@code parallel} mode may run at once
   * @param defaultMode the scheduling mode of new users
   * @param sweepInterval how often timers (timeouts, stale claims) are checked; at most 1 s
   */
  public record Scheduling(
      @DefaultValue("3") int parallelLimit,
      @DefaultValue("parallel") String defaultMode,
      @DefaultValue("500ms") Duration sweepInterval) {}

  /**
   * @param adminKey the admin's API key; when empty, {@code JOBKIT_ADMIN_KEY}, else the key in
   *     {@code <data-dir>/credentials}, generated on first start
   */
  public record Auth(String adminKey) {}

  /**
   * @param maxRequestSize the largest request body accepted
   * @param maxBatchSize the most jobs one batch submission may hold
   * @param maxStreamsPerUser how many log and event streams one user may have open at once
   * @param streamBuffer how many bytes may wait for one stream's reader; an event stream whose
   *     reader lets more wait is dropped, a log stream reads its file no further meanwhile
   * @param streamWriteTimeout how long a stream's reader may take nothing while bytes wait for it
   *     before it is dropped
   * @param streamKeepAlive how often an idle stream gets a keep-alive comment
   */
  public record Api(
      @DefaultValue("1MB") DataSize maxRequestSize,
      @DefaultValue("1000") int maxBatchSize,
      @DefaultValue("32") int maxStreamsPerUser,
      @DefaultValue("1MB") DataSize streamBuffer,
      @DefaultValue("10s") Duration streamWriteTimeout,
      @DefaultValue("15s") Duration streamKeepAlive) {}

  /**
   * @param maxQueuedJobsPerUser how many of one user's jobs may wait to start at once ({@code
   *     AWAITING_PARENTS}, {@code QUEUED}, {@code RESTART_READY}); a submission that would go over
   *     is refused with 429 {@code rate_limited}
   */
  public record Limits(@DefaultValue("10000") int maxQueuedJobsPerUser) {

    public Limits {
      if (maxQueuedJobsPerUser < 1) {
        throw new IllegalArgumentException(
            "jobkit.limits.max-queued-jobs-per-user must be at least 1, not "
                + maxQueuedJobsPerUser);
      }
    }
  }

  /**
   * @param roots the directories under which a file may be registered as a dataset in place ({@code
   *     POST /api/v1/datasets} with {@code path}); none by default, so only uploads
   * @param maxSize the largest dataset an upload may hold (it replaces {@code
   *     jobkit.api.max-request-size} for that one request)
   */
  public record Datasets(List<Path> roots, @DefaultValue("256MB") DataSize maxSize) {

    public Datasets {
      roots = roots == null ? List.of() : List.copyOf(roots);
    }
  }

  /**
   * @param roots the directories an app's {@code stage_in} sources and {@code stage_out}
   *     destinations that are paths must lie under (after symlinks are resolved); none: only {@code
   *     http(s)} URLs can be transferred
   * @param maxDownloadBytes the most one {@code http(s)} {@code stage_in} source may hold
   * @param timeout how long one {@code http(s)} transfer may take
   */
  public record Transfers(
      @DefaultValue List<Path> roots,
      @DefaultValue("1GB") DataSize maxDownloadBytes,
      @DefaultValue("60s") Duration timeout) {}
}
