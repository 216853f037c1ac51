package dev.jobkit.server.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account pods get their group and {@code USER} from when the service is root ({@code
 * jobkit.executor.run-as}): looked up with {@code getent}, created with {@code useradd --system} if
 * missing; never root.
 *
 * @param name the account's name
 * @param uid its user id
 * @param gid its group id, the pods' supplementary group
 */
record RunAsAccount(String name, int uid, int gid) {

  private static final Logger log = LoggerFactory.getLogger(RunAsAccount.class);

  /** The account called {@code name}, created first if there is none. */
  static RunAsAccount ensure(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalStateException(
          "jobkit.executor.run-as is empty: the service runs as root, and pods never do");
    }
    Optional<RunAsAccount> found = lookUp(name);
    if (found.isEmpty()) {
      create(name);
      found = lookUp(name);
    }
    RunAsAccount account =
        found.orElseThrow(
            () -> new IllegalStateException("could not create the account '" + name + "'"));
    if (account.uid() == 0 || account.gid() == 0) {
      throw new IllegalStateException(
          "jobkit.executor.run-as names '" + name + "', which is root: pods never run as root");
    }
    return account;
  }

  private static Optional<RunAsAccount> lookUp(String name) {
    Result result = run(List.of("getent", "passwd", name));
    if (result.exitCode() != 0) {
      return Optional.empty();
    }
    String[] fields = result.output().strip().split(":");
    if (fields.length < 4) {
      return Optional.empty();
    }
    return Optional.of(
        new RunAsAccount(fields[0], Integer.parseInt(fields[2]), Integer.parseInt(fields[3])));
  }

  private static void create(String name) {
    Result result =
        run(
            List.of(
                "useradd",
                "--system",
                "--user-group",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                "--comment",
                "Jobkit pods",
                name));
    // 9: another service of the machine created it first.
    if (result.exitCode() != 0 && result.exitCode() != 9) {
      throw new IllegalStateException(
          "could not create the pods' account '"
              + name
              + "' with useradd (exit "
              + result.exitCode()
              + "): "
              + result.output().strip());
    }
    log.info("created the system account '{}' for pods", name);
  }

  /** How a short administrative command ended. */
  private record Result(int exitCode, String output) {}

  /** Runs {@code getent} or {@code useradd}, found in the system directories, and waits. */
  private static Result run(List<String> argv) {
    for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
      Path program = Path.of(dir, argv.get(0));
      if (Files.isExecutable(program)) {
        List<String> command = new ArrayList<>(argv);
        command.set(0, program.toString());
        try {
          Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
          process.getOutputStream().close();
          String output =
              new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          return new Result(process.waitFor(), output);
        } catch (IOException e) {
          throw new UncheckedIOException("could not run " + program, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while running " + program, e);
        }
      }
    }
    throw new IllegalStateException(
        argv.get(0) + " not found: the service runs as root and needs it to set up pod users");
  }
}
