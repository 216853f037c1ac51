package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.Processes;
import dev.jobkit.server.support.SessionGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a pod's process starts with, on both ways the local executor starts pods: {@code
 * posix_spawn} in a new session (the default) and the {@code setsid} command (the fallback for a C
 * library without that): the shared service and one of the class's own.
 */
class PodProcessIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** The shared service: {@code posix_spawn} is the default. */
  @RegisterExtension static final JobkitService spawn = JobkitService.shared();

  /**
   * The setsid command, and pods 15 above the service's nice value, the default that the build
   * turns off for the other tests (pom.xml).
   */
  @RegisterExtension
  static final JobkitService setsid =
      JobkitService.own(
          "--jobkit.executor.use-setsid-command=true", "--jobkit.executor.job-niceness=15");

  /** {@code posix_spawn}, and pods 15 above the service's nice value. */
  @RegisterExtension
  static final JobkitService niced = JobkitService.own("--jobkit.executor.job-niceness=15");

  /** The setsid command, pods at the service's nice value (the build's), the launchers above. */
  @RegisterExtension
  static final JobkitService setsidUnniced =
      JobkitService.own("--jobkit.executor.use-setsid-command=true");

  private static JobkitService service(String launcher) {
    return launcher.equals("posix_spawn") ? spawn : setsid;
  }

  private static JobkitService niced(String launcher) {
    return launcher.equals("posix_spawn") ? niced : setsid;
  }

  static Stream<String> launchers() {
    return Stream.of("posix_spawn", "setsid command");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("launchers")
  void a_pod_leads_its_own_session_in_its_work_dir_with_empty_stdin_and_no_inherited_files(
      String launcher) throws IOException {
    JobkitServer server = service(launcher).server();
    Api api = service(launcher).user();
    // No redirections in the script: the shell would hold extra descriptors while they last.
    Job job =
        api.submitShell("ls /proc/$$/fd; echo ids $(cut -d' ' -f1,5,6 /proc/$$/stat); pwd; cat");
    // A program that does not fork: a shell blocks every signal for a moment around each fork.
    Job mask = api.submit("{\"command\":[\"grep\",\"^SigBlk\",\"/proc/self/status\"]}");

    api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    List<String> lines = Files.readAllLines(server.jobDir(job.id()).resolve("logs/pod-0.log"));
    // 0, 1 and 2 only: none of the service's files, sockets or database handles leak into jobs.
    assertThat(lines.subList(0, 3)).containsExactly("0", "1", "2");
    // pid, process group and session are one number: the shell leads a session of its own.
    String[] ids = lines.get(3).split(" ");
    assertThat(ids[0]).isEqualTo("ids");
    assertThat(ids[2]).isEqualTo(ids[1]);
    assertThat(ids[3]).isEqualTo(ids[1]);
    assertThat(Path.of(lines.get(4)))
        .isEqualTo(server.jobDir(job.id()).resolve("pods").resolve("0").toRealPath());
    // Nothing came from stdin: cat printed nothing.
    assertThat(lines).hasSize(5);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("launchers")
  void a_command_found_on_the_path_keeps_its_argv_0_as_written(String launcher) {
    Api api = service(launcher).user();
    Job job = api.submit("{\"command\":[\"sh\",\"-c\",\"tr '\\\\0' ' ' < /proc/$$/cmdline\"]}");

    api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    assertThat(service(launcher).server().jobDir(job.id()).resolve("logs/pod-0.log"))
        .content()
        .startsWith("sh -c ");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("launchers")
  void a_pod_and_every_process_it_starts_run_15_above_the_services_nice_value(String launcher)
      throws IOException {
    Api api = niced(launcher).user();
    // nice without arguments prints its own nice value; the second one is a grandchild.
    Job job = api.submitShell("nice; sh -c nice");

    api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    // The services run in this JVM, whose threads have the nice value of its main thread.
    String expected = Integer.toString(Math.min(19, serviceNiceValue() + 15));
    assertThat(
            Files.readAllLines(niced(launcher).server().jobDir(job.id()).resolve("logs/pod-0.log")))
        .endsWith(expected, expected);
  }

  @Test
  void a_pod_started_with_posix_spawn_leads_a_session_group_15_above_the_services()
      throws IOException {
    Optional<SessionGroup> ours = SessionGroup.ofThisProcess();
    assumeTrue(ours.isPresent(), "this kernel does not group sessions for the scheduler");
    int expected = Math.min(19, ours.get().nice() + 15);
    Api api = niced.user();
    Job job = api.submitShell(SessionGroup.awaitAndPrint(expected));

    api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    List<String> lines =
        Files.readAllLines(niced.server().jobDir(job.id()).resolve("logs/pod-0.log"));
    SessionGroup group = SessionGroup.parse(lines.get(lines.size() - 1));
    assertThat(group.name()).isNotEqualTo(ours.get().name());
    assertThat(group.nice()).isEqualTo(expected);
    assertThat(SessionGroup.ofThisProcess()).isEqualTo(ours);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("launchers")
  void at_job_niceness_0_a_pod_runs_at_the_services_nice_value_though_its_launcher_runs_above(
      String launcher) throws IOException {
    JobkitService service = launcher.equals("posix_spawn") ? spawn : setsidUnniced;
    Api api = service.user();
    Job job = api.submitShell("nice; sh -c nice");

    api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    String expected = Integer.toString(serviceNiceValue());
    assertThat(Files.readAllLines(service.server().jobDir(job.id()).resolve("logs/pod-0.log")))
        .endsWith(expected, expected);
  }

  @Test
  void the_threads_that_dispatch_launch_and_reap_pods_run_5_above_the_service() throws IOException {
    Api api = spawn.user();
    api.awaitStatus(api.submitShell("true").id(), JobStatus.SUCCEEDED, TIMEOUT);

    // Thread names as the kernel keeps them: 15 characters.
    Map<String, Set<Integer>> niceValues = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String name = Files.readString(task.resolve("comm")).strip();
          int nice = Processes.niceValue(task.resolve("stat"));
          niceValues.computeIfAbsent(name, n -> new HashSet<>()).add(nice);
        } catch (NoSuchFileException ended) {
          // A thread that ended while the list was read.
        }
      }
    }
    Set<Integer> lifecycle = Set.of(Math.min(19, serviceNiceValue() + 5));
    assertThat(niceValues.get("jobkit-launcher")).isEqualTo(lifecycle);
    assertThat(niceValues.get("jobkit-pod-reap")).isEqualTo(lifecycle);
    assertThat(niceValues.get("jobkit-dispatch")).isEqualTo(lifecycle);
  }

  @Test
  void a_job_niceness_outside_0_to_19_stops_the_start_with_a_sentence_naming_the_setting() {
    assertThatThrownBy(() -> JobkitServer.start("--jobkit.executor.job-niceness=20").close())
        .rootCause()
        .hasMessage("jobkit.executor.job-niceness must be 0 to 19, not 20");
    assertThatThrownBy(() -> JobkitServer.start("--jobkit.executor.lifecycle-niceness=-1").close())
        .rootCause()
        .hasMessage("jobkit.executor.lifecycle-niceness must be 0 to 19, not -1");
  }

  private static int serviceNiceValue() throws IOException {
    return Processes.niceValue(Path.of("/proc/self/stat"));
  }

  @Test
  void a_pod_started_with_posix_spawn_blocks_no_signal() {
    // ProcessBuilder passes on the JVM's blocked SIGQUIT; posix_spawn sets an empty mask. The
    // program must not fork: a shell blocks every signal for a moment around each fork.
    Api api = spawn.user();
    Job job = api.submit("{\"command\":[\"grep\",\"^SigBlk\",\"/proc/self/status\"]}");

    api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    assertThat(spawn.server().jobDir(job.id()).resolve("logs/pod-0.log"))
        .hasContent("SigBlk:\t0000000000000000");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("launchers")
  void stop_of_a_running_job_kills_every_process_it_started(String launcher) {
    Api api = service(launcher).user();
    Job job =
        api.submitShell("trap '' TERM; sleep 300 & sleep 300 & (sleep 300 &); echo started; wait");
    api.awaitStatus(job.id(), JobStatus.RUNNING, TIMEOUT);
    await().atMost(TIMEOUT).until(() -> Processes.ofJob(job.id()).size() >= 4);

    api.stopAndAwaitCanceled(job.id());

    assertThat(Processes.ofJob(job.id())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("launchers")
  void exit_codes_and_signals_end_a_job_as_a_shell_would_report_them(String launcher) {
    Api api = service(launcher).user();
    Job exited = api.submit("{\"shell\":\"exit 3\",\"max_attempts\":1}");
    Job killed = api.submit("{\"shell\":\"kill -KILL $$\",\"max_attempts\":1}");

    List<Job> ended =
        List.of(
            api.awaitStatus(exited.id(), JobStatus::isTerminal, TIMEOUT),
            api.awaitStatus(killed.id(), JobStatus::isTerminal, TIMEOUT));

    assertThat(ended).extracting(Job::status).containsOnly(JobStatus.FAILED);
    assertThat(ended).extracting(j -> j.result().exitCode()).containsExactly(3, 137);
  }
}
