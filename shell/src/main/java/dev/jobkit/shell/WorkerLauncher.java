package dev.jobkit.shell;

import dev.jobkit.shell.command.Exits;
import dev.jobkit.shell.local.LocalService;
import dev.jobkit.shell.local.ServiceUnavailableException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code jobkit worker --url … --key … [--slots N] [--apps a,b] [--name N] [--work-dir DIR]}: an
 * external worker, which claims jobs of the service at {@code --url} and runs them on this machine
 * until Ctrl-C or SIGTERM. The worker lives in the service's jar, next to the executor it shares
 * with the service ({@code java -jar jobkit-server.jar worker …}); this runs that as a child
 * process with the terminal, and passes a stop on to it so that it deregisters and reports its jobs
 * before the shell exits.
 */
final class WorkerLauncher {

  /** How long a stopped worker may take to end its jobs, report them and deregister. */
  private static final long STOP_WAIT_SECONDS = 120;

  private WorkerLauncher() {}

  /**
   * Runs the worker until it ends; returns its exit code.
   *
   * @param args the command's arguments, after {@code worker}
   * @param server the global {@code --server}, the URL when {@code --url} is not given; or null
   * @param env the environment, with the global {@code --api-key} as {@code JOBKIT_API_KEY}
   */
  static int run(List<String> args, String server, Map<String, String> env, PrintWriter err) {
    Path jar;
    try {
      jar = LocalService.serverJar();
    } catch (ServiceUnavailableException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return Exits.UNREACHABLE;
    }
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.add("worker");
    String key = null;
    boolean url = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      // The key goes to the worker through its environment, never its command line (ps shows it).
      if (a.equals("--key") && i + 1 < args.size()) {
        key = args.get(++i);
      } else if (a.startsWith("--key=")) {
        key = a.substring("--key=".length());
      } else {
        url |= a.equals("--url") || a.startsWith("--url=");
        command.add(a);
      }
    }
    if (!url && server != null) {
      command.add("--url=" + server);
    }
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().clear();
    builder.environment().putAll(env);
    if (key != null) {
      builder.environment().put("JOBKIT_WORKER_KEY", key);
    }
    Process worker;
    try {
      worker = builder.start();
    } catch (java.io.IOException e) {
      err.println("error: cannot start the worker: " + e.getMessage());
      err.flush();
      return Exits.ERROR;
    }
    // Ctrl-C reaches the worker with the terminal's process group; SIGTERM only reaches this
    // process, so it is passed on, and the shell waits for the worker's orderly end.
    Thread passOn =
        new Thread(
            () -> {
              if (worker.isAlive()) {
                worker.destroy();
                try {
                  if (!worker.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    worker.destroyForcibly();
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            },
            "jobkit-worker-stop");
    Runtime.getRuntime().addShutdownHook(passOn);
    try {
      return worker.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Exits.ERROR;
    }
  }
}
