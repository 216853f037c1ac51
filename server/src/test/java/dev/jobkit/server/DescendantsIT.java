package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every process a job starts ends with it, also those that escape its process group: a new session
 * ({@code setsid}), a double fork into a new session. On both ways the service tracks them ({@code
 * jobkit.executor.descendants}): a pids cgroup per pod, and the environment marker with the service
 * as child subreaper. Prints how many of the job's processes were left (goal 0).
 *
 * <p>Two services of the class's own: one with markers, one that makes cgroups where it can (its
 * tests are skipped where it cannot), at most 20 processes a pod. Every process the tests look at
 * is found by its job's id, so other classes' jobs running meanwhile do not count.
 */
class DescendantsIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final boolean CGROUPS = Files.isWritable(Path.of("/sys/fs/cgroup/pids/tasks"));

  /** How each escape starts a {@code sleep 300} outside the pod's group; its pid in {@code pid}. */
  private static final Map<String, String> ESCAPES =
      Map.of(
          "setsid",
          "setsid sh -c 'echo $$ > pid-setsid; exec sleep 300' &",
          "double fork",
          "(setsid sh -c 'sleep 300 & echo $! > pid-double-fork' &);");

  @RegisterExtension
  static final JobkitService marker = JobkitService.own("--jobkit.executor.descendants=marker");

  /**
   * {@code auto}: cgroups where this machine gives them (the pod's cgroup is checked below),
   * markers where not, so the class starts anywhere. 20 processes are more than any test but the
   * limit's own starts at once.
   */
  @RegisterExtension
  static final JobkitService cgroup =
      JobkitService.own(
          "--jobkit.executor.descendants=auto", "--jobkit.executor.max-processes-per-pod=20");

  private static final AtomicInteger JOBS = new AtomicInteger();
  private static final AtomicInteger LEFT = new AtomicInteger();

  @AfterAll
  static void total() {
    System.out.printf(
        "DescendantsIT: descendants left: %d (goal 0) after %d jobs%n", LEFT.get(), JOBS.get());
  }

  static Stream<Arguments> mechanismsAndEscapes() {
    return Stream.of("cgroup", "marker")
        .flatMap(m -> ESCAPES.keySet().stream().sorted().map(e -> Arguments.of(m, e)));
  }

  static Stream<String> mechanisms() {
    return Stream.of("cgroup", "marker");
  }

  private static JobkitService service(String mechanism) {
    if (mechanism.equals("marker")) {
      return marker;
    }
    assumeTrue(CGROUPS, "this service cannot make cgroups (it is not root here)");
    return cgroup;
  }

  private static Api api(String mechanism) {
    return service(mechanism).user();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mechanisms")
  void a_pod_runs_where_its_mechanism_finds_it(String mechanism) throws IOException {
    Api api = api(mechanism);
    Job job = api.submitShell("grep :pids: /proc/self/cgroup; echo \"marker=$JOBKIT_POD_MARKER\"");

    api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    String log = log(mechanism, job.id());
    assertThat(log).containsPattern("marker=[0-9a-f]{32}");
    if (mechanism.equals("cgroup")) {
      // <service pid>-<n>: the services of one JVM have a cgroup each; then the pod's, numbered.
      assertThat(log).containsPattern(":pids:/jobkit/[0-9]+-[0-9]+/" + job.id() + "-1-0-[0-9]+\n");
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("mechanismsAndEscapes")
  void a_job_that_succeeds_leaves_no_process_behind(String mechanism, String escape)
      throws IOException {
    Api api = api(mechanism);
    String pidFile = "pid-" + escape.replace(' ', '-');
    Job job =
        api.submitShell(
            ESCAPES.get(escape)
                + " while [ ! -s "
                + pidFile
                + " ]; do sleep 0.01; done; echo done");

    Job ended = api.awaitStatus(job.id(), JobStatus::isTerminal, TIMEOUT);

    List<Long> left = Processes.ofJob(job.id());
    count(left);
    assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(log(mechanism, job.id())).isEqualTo("done\n");
    long escaped = Long.parseLong(Files.readString(podFile(mechanism, job.id(), pidFile)).strip());
    assertThat(left).doesNotContain(escaped).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mechanisms")
  void stop_of_a_job_kills_what_escaped_its_group(String mechanism) throws IOException {
    Api api = api(mechanism);
    Job job =
        api.submitShell(
            "trap '' TERM; "
                + ESCAPES.get("setsid")
                + " "
                + ESCAPES.get("double fork")
                + " sleep 300 & (sleep 300 &); echo started; wait");
    api.awaitStatus(job.id(), JobStatus.RUNNING, TIMEOUT);
    // The shell, setsid's sleep, the double fork's, the plain child and the plain orphan.
    await().atMost(TIMEOUT).until(() -> Processes.ofJob(job.id()).size() >= 5);
    List<Long> escaped = new ArrayList<>();
    for (String file : List.of("pid-setsid", "pid-double-fork")) {
      Path pid = podFile(mechanism, job.id(), file);
      await().atMost(TIMEOUT).until(() -> Files.exists(pid) && !Files.readString(pid).isBlank());
      escaped.add(Long.parseLong(Files.readString(pid).strip()));
    }

    api.stopAndAwaitCanceled(job.id());

    List<Long> left = Processes.ofJob(job.id());
    count(left);
    assertThat(left).doesNotContainAnyElementsOf(escaped).isEmpty();
  }

  @Test
  void a_pod_cannot_have_more_processes_than_its_limit_and_the_service_stays_well()
      throws IOException {
    Api api = api("cgroup");
    // perl reports a failed fork and goes on, where a shell would give up.
    Job job =
        api.submit(
            "{\"command\":[\"perl\",\"-e\",\"my ($ok, $failed) = (0, 0); for (1..50) {"
                + " my $pid = fork; if (!defined $pid) { $failed++; next }"
                + " if ($pid == 0) { exec 'sleep', '300' } $ok++ }"
                + " print qq(started $ok failed $failed\\\\n)\"]}");

    Job ended = api.awaitStatus(job.id(), JobStatus::isTerminal, TIMEOUT);

    List<Long> left = Processes.ofJob(job.id());
    count(left);
    assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
    String log = log("cgroup", job.id());
    Matcher counts = Pattern.compile("started (\\d+) failed (\\d+)\n").matcher(log);
    assertThat(counts.matches()).as(log).isTrue();
    // 20 tasks: perl and 19 sleeps at most; every other fork failed.
    assertThat(Integer.parseInt(counts.group(1))).isBetween(1, 19);
    assertThat(Integer.parseInt(counts.group(2))).isGreaterThanOrEqualTo(31);
    assertThat(left).isEmpty();
    // The service runs the next job as ever.
    Job next = api.submitShell("echo still here");
    assertThat(api.awaitStatus(next.id(), JobStatus::isTerminal, TIMEOUT).status())
        .isEqualTo(JobStatus.SUCCEEDED);
  }

  private static void count(List<Long> left) {
    JOBS.incrementAndGet();
    LEFT.addAndGet(left.size());
  }

  private static String log(String mechanism, String jobId) throws IOException {
    return Files.readString(service(mechanism).server().jobDir(jobId).resolve("logs/pod-0.log"));
  }

  private static Path podFile(String mechanism, String jobId, String name) {
    return service(mechanism).server().jobDir(jobId).resolve("pods/0").resolve(name);
  }
}
