package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/**
 * Jobs are untrusted code: one test per attack of issue 10's isolation section, each run from
 * inside a real job. When the service is root (as in CI), pods run as a user of their own and these
 * hold against any job; when it is an ordinary user, jobs share that user's rights (docs/server.md,
 * "Security"), so the tests that rely on the switch are skipped.
 *
 * <p>The services run with secrets in their environment ({@code JOBKIT_DATASOURCE_PASSWORD}, {@code
 * JOBKIT_TEST_SERVICE_SECRET}, set for the test JVM in server/pom.xml). The tests of the data dir
 * and its credentials run on a service of the class's own, started without a configured admin key,
 * so that it writes one to {@code <data-dir>/credentials} as a first start does; the others run on
 * the shared service, as the class's user (alice) and a user of its own (bob).
 *
 * <p>Over 400 lines because each attack is its own script and check; they are one behaviour area,
 * so they stay in one class.
 */
class SecurityIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
  private static final Set<String> SERVICE_SECRETS =
      Set.of("JOBKIT_DATASOURCE_PASSWORD", "JOBKIT_TEST_SERVICE_SECRET");

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static FirstStart firstStart;
  static Api bob;

  private final JobkitServer server = service.server();
  private final Gates gates = service.gates();
  private final Api admin = service.admin();
  private final Api alice = service.user();

  /**
   * A service as a first start leaves it: without a configured admin key, so it wrote one to {@code
   * <data-dir>/credentials}; {@code alice} is a user of its own.
   */
  record FirstStart(JobkitServer server, String adminKey, Api admin, Api alice) {}

  @BeforeAll
  static void start() throws IOException {
    bob = service.newUser("bob", "parallel");
    Path dataDir = Files.createTempDirectory("jobkit-security-");
    JobkitServer first = JobkitServer.startWithoutAdminKey(dataDir);
    service.closeAfterAll(
        () -> {
          first.close();
          FileSystemUtils.deleteRecursively(dataDir.toFile());
        });
    Properties credentials = new Properties();
    try (var reader = Files.newBufferedReader(dataDir.resolve("credentials"))) {
      credentials.load(reader);
    }
    String adminKey = credentials.getProperty("admin_key");
    Api firstAdmin = first.withKey(adminKey);
    firstStart =
        new FirstStart(first, adminKey, firstAdmin, first.newUser(firstAdmin, "alice", "parallel"));
  }

  @Test
  void a_job_cannot_read_the_credentials_by_a_relative_or_an_absolute_path() throws IOException {
    assumeTrue(ROOT, "only a service running as root can run jobs as other users");
    JobkitServer server = firstStart.server();
    Api alice = firstStart.alice();
    Path credentials = server.dataDir().resolve("credentials");
    String script =
        tryEach(
                "cat",
                "../../../../credentials",
                credentials.toString(),
                credentials.toRealPath().toString(),
                "$JOBKIT_OUTPUT_DIR/../../credentials")
            + "; sed -n s/^admin_key=//p ../../../../credentials; ls "
            + server.dataDir()
            + " || echo DENIED ls";

    Job job = alice.submitShell(script);

    String log = logOf(server, alice.awaitEnd(job.id()));
    assertThat(log).doesNotContain(firstStart.adminKey()).doesNotContain("READ ");
    assertThat(log.lines().filter(l -> l.startsWith("DENIED "))).hasSize(5);
    // And the admin key would have worked, had it leaked.
    assertThat(firstStart.admin().get("/api/v1/users").status()).isEqualTo(200);
  }

  @Test
  void a_job_cannot_read_another_users_private_job_log_or_files_while_it_runs_or_after()
      throws IOException {
    assumeTrue(ROOT, "only a service running as root can run jobs as other users");
    String secret = "bob-secret-" + System.nanoTime();
    Job bobs =
        bob.submitShell(
            "echo "
                + secret
                + "; echo "
                + secret
                + " > \"$JOBKIT_OUTPUT_DIR/secret.txt\"; echo '{\"percent\": 7}' >"
                + " \"$JOBKIT_PROGRESS_FILE\"; "
                + gates.script("bobs-secret"));
    bob.awaitStatus(bobs.id(), JobStatus.RUNNING, TIMEOUT);
    Path bobsDir = server.jobDir(bobs.id());
    await().atMost(TIMEOUT).until(() -> Files.exists(bobsDir.resolve("output/secret.txt")));
    String probe =
        tryEach(
                "cat",
                bobsDir.resolve("logs/pod-0.log").toString(),
                bobsDir.resolve("output/secret.txt").toString(),
                bobsDir.resolve("progress.json").toString())
            + "; "
            + tryEach("ls", bobsDir.toString(), bobsDir.resolve("output").toString())
            + "; "
            + tryEach("ls", server.dataDir().resolve("jobs").toString());

    String whileRunning = logOf(alice.awaitEnd(alice.submitShell(probe).id()));
    gates.open("bobs-secret");
    bob.awaitStatus(bobs.id(), JobStatus.SUCCEEDED, TIMEOUT);
    String afterwards = logOf(alice.awaitEnd(alice.submitShell(probe).id()));

    for (String log : List.of(whileRunning, afterwards)) {
      assertThat(log).doesNotContain(secret).doesNotContain("READ ");
      assertThat(log.lines().filter(l -> l.startsWith("DENIED "))).hasSize(6);
    }
    assertThat(alice.get("/api/v1/jobs/" + bobs.id() + "/log").status()).isEqualTo(404);
  }

  @Test
  void a_job_cannot_signal_another_jobs_processes_or_read_their_environment() throws IOException {
    assumeTrue(ROOT, "only a service running as root can run jobs as other users");
    // "here" is a file in the pod's work dir, for the probe to try through /proc/<pid>/cwd.
    Job bobs =
        bob.submitShell(
            "echo here > here; echo \"$JOBKIT_TOKEN\" > \"$JOBKIT_OUTPUT_DIR/token\"; "
                + gates.script("bobs-token"));
    bob.awaitStatus(bobs.id(), JobStatus.RUNNING, TIMEOUT);
    Path tokenFile = server.jobDir(bobs.id()).resolve("output/token");
    await().atMost(TIMEOUT).until(() -> Files.exists(tokenFile) && Files.size(tokenFile) > 0);
    String bobsToken = Files.readString(tokenFile).strip();
    long pid = bob.awaitPids(bobs.id()).pods().get(0).pid();

    Job probe =
        alice.submitShell(
            "ps -o pid= -p "
                + pid
                + " >/dev/null && echo SEEN; kill -TERM "
                + pid
                + " && echo SIGNALLED || echo DENIED kill; /usr/bin/kill -s KILL -- -"
                + pid
                + " && echo SIGNALLED || echo DENIED group kill; "
                + tryEach(
                    "cat",
                    "/proc/" + pid + "/environ",
                    "/proc/" + pid + "/cwd/here",
                    "/proc/" + pid + "/fd/1"));

    String log = logOf(alice.awaitEnd(probe.id()));
    assertThat(log).doesNotContain("SIGNALLED").doesNotContain(bobsToken).doesNotContain("READ ");
    assertThat(log.lines().filter(l -> l.startsWith("DENIED "))).hasSize(5);
    // Listed (no hidepid on /proc), but beyond reach.
    assertThat(log).contains("SEEN");
    assertThat(bob.job(bobs.id()).status()).isEqualTo(JobStatus.RUNNING);
    gates.open("bobs-token");
    assertThat(bob.awaitEnd(bobs.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void a_jobs_environment_is_the_allow_list_without_the_services_secrets() throws IOException {
    for (String name : SERVICE_SECRETS) {
      assertThat(System.getenv(name))
          .as("%s is set for the test JVM by server/pom.xml (run through mvn verify)", name)
          .isNotBlank();
    }
    // No shell in between: exactly the environment the pod was started with.
    Job env =
        alice.submit(
            "{\"command\":[\"cat\",\"/proc/self/environ\"],\"env\":{\"MY_SETTING\":\"mine\"}}");
    Job servicesEnvironment = alice.submitShell(tryEach("cat", "/proc/$PPID/environ"));

    alice.awaitStatus(env.id(), JobStatus.SUCCEEDED, TIMEOUT);
    Map<String, String> variables = new TreeMap<>();
    for (String entry : logOf(env).split("\0")) {
      int eq = entry.indexOf('=');
      if (eq < 0) {
        continue;
      }
      variables.put(entry.substring(0, eq), entry.substring(eq + 1));
    }

    assertThat(variables.keySet())
        .allMatch(
            name ->
                Set.of("PATH", "HOME", "LANG", "TZ", "USER", "MY_SETTING").contains(name)
                    || name.startsWith("LC_")
                    || name.startsWith("JOBKIT_JOB_")
                    || name.startsWith("JOBKIT_POD_")
                    || Set.of(
                            "JOBKIT_ATTEMPT",
                            "JOBKIT_PROGRESS_FILE",
                            "JOBKIT_METRICS_FILE",
                            "JOBKIT_OUTPUT_DIR",
                            "JOBKIT_URL",
                            "JOBKIT_TOKEN")
                        .contains(name),
            "allow-listed");
    assertThat(variables)
        .containsEntry("MY_SETTING", "mine")
        .containsEntry("JOBKIT_URL", server.baseUrl())
        .containsKey("JOBKIT_TOKEN");
    for (String name : SERVICE_SECRETS) {
      assertThat(variables.values()).doesNotContain(System.getenv(name));
    }
    if (ROOT) {
      assertThat(variables).containsEntry("USER", "jobkit");
      assertThat(variables.get("HOME")).startsWith(server.jobDir(env.id()).toString());
      // Nor through /proc: the service's environment is not the pod user's to read.
      String log = logOf(alice.awaitEnd(servicesEnvironment.id()));
      for (String name : SERVICE_SECRETS) {
        assertThat(log).doesNotContain(System.getenv(name));
      }
      assertThat(log.lines()).anyMatch(l -> l.startsWith("DENIED "));
    }
  }

  @Test
  void a_spec_cannot_set_the_job_token_or_any_other_jobkit_variable() {
    for (String name : List.of("JOBKIT_TOKEN", "JOBKIT_URL", "JOBKIT_JOB_ID", "JOBKIT_POD_X")) {
      JsonNode problem =
          alice
              .post("/api/v1/jobs", "{\"command\":[\"true\"],\"env\":{\"" + name + "\":\"x\"}}")
              .expect(400)
              .json();

      assertThat(problem.toString()).contains("env." + name);
    }
  }

  @Test
  void a_job_calls_the_api_as_its_owner_with_its_token_and_its_changes_say_actor_kind_job() {
    Job target = alice.submitShell(gates.script("stopped-by-a-job"));
    alice.awaitStatus(target.id(), JobStatus.RUNNING, TIMEOUT);

    Job caller =
        alice.submitShell(
            curl("", "/api/v1/me")
                + "; echo; "
                + curl(
                    "-o /dev/null -w '%{http_code}\\n' -X POST",
                    "/api/v1/jobs/" + target.id() + "/stop"));

    String[] lines =
        logOf(alice.awaitStatus(caller.id(), JobStatus.SUCCEEDED, TIMEOUT)).split("\n");
    JsonNode me = Api.JSON.readTree(lines[0]);
    assertThat(me.get("name").asString()).isEqualTo(alice.name());
    assertThat(me.get("role").asString()).isEqualTo("user");
    assertThat(lines[1]).isIn("200", "202");
    alice.awaitStatus(target.id(), JobStatus.CANCELED, TIMEOUT);
    JobEvent stop =
        alice.events(target.id()).stream()
            .filter(e -> e.fromStatus() == JobStatus.RUNNING)
            .findFirst()
            .orElseThrow();
    assertThat(stop.actor()).isEqualTo(alice.name());
    assertThat(stop.actorKind()).isEqualTo(ActorKind.JOB);
  }

  @Test
  void an_admins_job_acts_with_a_users_rights_not_an_admins() {
    // Unique: the service is shared with other classes, and it keeps its users.
    String mallory = "mallory-" + UUID.randomUUID().toString().substring(0, 8);
    Job job =
        admin.submitShell(
            curl("-o /dev/null -w '%{http_code}\\n'", "/api/v1/users")
                + "; "
                + curl(
                    "-o /dev/null -w '%{http_code}\\n' -X POST -H 'Content-Type: application/json'"
                        + " -d '{\"name\":\""
                        + mallory
                        + "\"}'",
                    "/api/v1/users")
                + "; "
                + curl(
                    "-o /dev/null -w '%{http_code}\\n' -X POST",
                    "/api/v1/users/" + alice.name() + "/keys")
                + "; "
                + curl("", "/api/v1/me"));

    String[] lines = logOf(admin.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT)).split("\n");

    assertThat(Arrays.asList(lines).subList(0, 3)).containsExactly("403", "403", "403");
    JsonNode me = Api.JSON.readTree(lines[3]);
    assertThat(me.get("name").asString()).isEqualTo("admin");
    assertThat(me.get("role").asString()).isEqualTo("user");
    assertThat(admin.get("/api/v1/users").expect(200).body()).doesNotContain(mallory);
    // The admin's job is no class user's, so the class's flush would not remove it.
    admin.delete("/api/v1/jobs/" + job.id()).expect(200);
  }

  @Test
  void a_job_token_stops_working_when_its_job_ends() throws IOException {
    Job job = alice.submitShell("echo \"$JOBKIT_TOKEN\" > \"$JOBKIT_OUTPUT_DIR/token\"");
    alice.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);
    String token = Files.readString(server.jobDir(job.id()).resolve("output/token")).strip();

    Api.Response answer = server.withKey(token).get("/api/v1/me");

    assertThat(token).startsWith("jkt_");
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.json().get("code").asString()).isEqualTo("unauthorized");
  }

  @Test
  void pods_never_run_as_root_and_no_two_running_jobs_share_a_user() throws IOException {
    assumeTrue(ROOT, "only a service running as root can run jobs as other users");
    String report =
        "id -u > \"$JOBKIT_OUTPUT_DIR/id\"; grep NoNewPrivs /proc/self/status >>"
            + " \"$JOBKIT_OUTPUT_DIR/id\"; ";
    Job first = alice.submitShell(report + gates.script("first-id"));
    Job second = bob.submitShell(report + gates.script("second-id"));
    for (Job job : List.of(first, second)) {
      Path id = server.jobDir(job.id()).resolve("output/id");
      await().atMost(TIMEOUT).until(() -> Files.exists(id) && Files.readString(id).contains("No"));
    }

    List<String> firstId = Files.readAllLines(server.jobDir(first.id()).resolve("output/id"));
    List<String> secondId = Files.readAllLines(server.jobDir(second.id()).resolve("output/id"));
    gates.open("first-id");
    gates.open("second-id");

    long uid = Long.parseLong(firstId.get(0));
    assertThat(uid).isBetween(1_900_000_000L, 1_900_065_535L);
    assertThat(secondId.get(0)).isNotEqualTo(firstId.get(0));
    assertThat(firstId.get(1)).matches("NoNewPrivs:\\s+1");
    alice.awaitEnd(first.id());
    bob.awaitEnd(second.id());
  }

  @Test
  void a_retry_runs_as_a_user_of_its_own_and_keeps_writing_what_the_first_attempt_wrote()
      throws IOException {
    assumeTrue(ROOT, "only a service running as root can run jobs as other users");
    Job job =
        alice.submit(
            "{\"max_attempts\":2,\"shell\":\"if [ -e first ]; then id -u >> first;"
                + " cp first \\\"$JOBKIT_OUTPUT_DIR/ids\\\"; echo two >> \\\"$JOBKIT_OUTPUT_DIR/kept\\\";"
                + " else id -u > first; echo one > \\\"$JOBKIT_OUTPUT_DIR/kept\\\"; exit 3; fi\"}");

    assertThat(alice.awaitEnd(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);

    Path output = server.jobDir(job.id()).resolve("output");
    assertThat(Files.readAllLines(output.resolve("kept"))).containsExactly("one", "two");
    assertThat(Files.readAllLines(output.resolve("ids")))
        .hasSize(2)
        .allSatisfy(uid -> assertThat(Long.parseLong(uid)).isGreaterThanOrEqualTo(1_900_000_000L));
  }

  @Test
  void a_command_is_looked_up_where_the_jobs_user_can_run_it() throws IOException {
    assumeTrue(ROOT, "only a service running as root can run jobs as other users");
    // First on the PATH, but in a directory only root may enter (as /root/... is for a root
    // service started from a login shell): passed over for the next one.
    Path hidden = Files.createTempDirectory("jobkit-private-bin-");
    Path fake = hidden.resolve("true");
    Files.writeString(fake, "#!/bin/sh\nexit 7\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    try {
      Job job =
          alice.submit(
              "{\"command\":[\"true\"],\"max_attempts\":1,\"env\":{\"PATH\":\""
                  + hidden
                  + ":/usr/bin:/bin\"}}");

      assertThat(alice.awaitEnd(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    } finally {
      org.springframework.util.FileSystemUtils.deleteRecursively(hidden);
    }
  }

  @Test
  void the_data_dir_database_credentials_job_dirs_and_pod_logs_are_private() throws IOException {
    JobkitServer server = firstStart.server();
    Api alice = firstStart.alice();
    Job job = alice.submitShell("echo private; " + gates.script("private"));
    alice.awaitStatus(job.id(), JobStatus.RUNNING, TIMEOUT);
    Path dataDir = server.dataDir();
    Path jobDir = server.jobDir(job.id());
    await().atMost(TIMEOUT).until(() -> Files.exists(jobDir.resolve("logs/pod-0.log")));
    // While it runs, the job's own uid writes its work and output dirs.
    Path work = jobDir.resolve("pods/0");
    Map<String, String> running =
        Map.of(
            "job dir", modeOf(jobDir),
            "work dir", modeOf(work),
            "output dir", modeOf(jobDir.resolve("output")),
            "logs dir", modeOf(jobDir.resolve("logs")),
            "pod log", modeOf(jobDir.resolve("logs/pod-0.log")));
    int podUid = (Integer) Files.getAttribute(work, "unix:uid");
    int jobDirGroup = (Integer) Files.getAttribute(jobDir, "unix:gid");
    gates.open("private");
    alice.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    String passage = ROOT ? "rwx--x---" : "rwx------";
    assertThat(modeOf(dataDir)).isEqualTo(passage);
    assertThat(modeOf(dataDir.resolve("jobs"))).isEqualTo(passage);
    assertThat(modeOf(dataDir.resolve("credentials"))).isEqualTo("rw-------");
    assertThat(modeOf(dataDir.resolve("db"))).isEqualTo("rwx------");
    try (var files = Files.list(dataDir.resolve("db"))) {
      assertThat(files.filter(Files::isRegularFile).map(SecurityIT::modeOf))
          .isNotEmpty()
          .containsOnly("rw-------");
    }
    assertThat(running)
        .containsEntry("job dir", passage)
        .containsEntry("work dir", "rwx------")
        .containsEntry("output dir", "rwx------")
        .containsEntry("logs dir", "rwx------")
        .containsEntry("pod log", "rw-------");
    assertThat(modeOf(jobDir)).isEqualTo("rwx------");
    assertThat(modeOf(jobDir.resolve("logs/pod-0.log"))).isEqualTo("rw-------");
    int serviceUid = (Integer) Files.getAttribute(dataDir, "unix:uid");
    assertThat((Integer) Files.getAttribute(jobDir.resolve("logs/pod-0.log"), "unix:uid"))
        .isEqualTo(serviceUid);
    if (ROOT) {
      assertThat(podUid).isNotEqualTo(0);
      assertThat(jobDirGroup).isEqualTo(podUid);
      // Once it ended, the job's directory lets no pod user in.
      assertThat((Integer) Files.getAttribute(jobDir, "unix:gid")).isEqualTo(0);
      assertThat((Integer) Files.getAttribute(dataDir, "unix:gid")).isEqualTo(groupId("jobkit"));
    }
  }

  /** Shell that runs {@code command} on each path: "READ path" or "DENIED path" for each. */
  private static String tryEach(String command, String... paths) {
    return Arrays.stream(paths)
        .map(
            p -> command + " \"" + p + "\" && echo \"READ " + p + "\" || echo \"DENIED " + p + "\"")
        .collect(Collectors.joining("; "));
  }

  /** Shell that calls the service's API from inside a job with the job's token. */
  private static String curl(String options, String path) {
    return "curl -sS "
        + options
        + " -H \"Authorization: Bearer $JOBKIT_TOKEN\" \"$JOBKIT_URL"
        + path
        + "\"";
  }

  private String logOf(Job job) {
    return logOf(server, job);
  }

  private static String logOf(JobkitServer server, Job job) {
    try {
      return Files.readString(
          server.jobDir(job.id()).resolve("logs/pod-0.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String modeOf(Path path) {
    try {
      return PosixFilePermissions.toString(
          Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int groupId(String name) throws IOException {
    return Files.readAllLines(Path.of("/etc/group")).stream()
        .map(line -> line.split(":"))
        .filter(fields -> fields[0].equals(name))
        .map(fields -> Integer.parseInt(fields[2]))
        .findFirst()
        .orElseThrow();
  }
}
