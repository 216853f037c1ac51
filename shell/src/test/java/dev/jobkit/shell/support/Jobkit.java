package dev.jobkit.shell.support;

import dev.jobkit.server.support.JobkitService;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The packaged shell ({@code shell/target/jobkit.jar}) as a process: one-shot runs without a
 * terminal (stdin from /dev/null, output captured), and the command line tmux runs it with.
 */
public final class Jobkit {

  private Jobkit() {}

  /** What a one-shot run printed and its exit code. */
  public record Result(int exitCode, String out, String err) {}

  /**
   * The environment of a shell pointed at {@code service} as its class's user, its data dir (and so
   * its history) in {@code home}, never ~; {@code extra} are more name/value pairs ({@code
   * NO_COLOR, 1}).
   */
  public static Map<String, String> env(JobkitService service, Path home, String... extra) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    env.put("JOBKIT_URL", service.server().baseUrl());
    env.put("JOBKIT_API_KEY", service.userKey());
    env.put("JOBKIT_HOME", home.toString());
    for (int i = 0; i + 1 < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return Map.copyOf(env);
  }

  /** The interactive shell in a tmux window of {@code env}, once its prompt shows. */
  public static Tmux interactive(Map<String, String> env, java.time.Duration wait) {
    Tmux tmux = Tmux.start(env, commandLine());
    tmux.awaitText("jobkit>", wait);
    return tmux;
  }

  /** The jar under test. */
  public static Path jar() {
    String jar = System.getProperty("jobkit.shell.jar");
    return jar != null ? Paths.get(jar) : Paths.get("target/jobkit.jar");
  }

  /** {@code java -jar jobkit.jar args...} as a line for /bin/sh. */
  public static String commandLine(String... args) {
    List<String> words = new ArrayList<>(command());
    words.addAll(List.of(args));
    return words.stream().map(Tmux::quote).collect(Collectors.joining(" "));
  }

  /** Runs one command with no terminal; waits at most two minutes. */
  public static Result run(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(command());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("JOBKIT_URL");
    builder.environment().remove("JOBKIT_API_KEY");
    builder.environment().remove("JOBKIT_HOME");
    builder.environment().putAll(env);
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    try {
      Process p = builder.start();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("jobkit " + String.join(" ", args) + " did not end in 2 minutes");
      }
      return new Result(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code java -jar jobkit.jar args...}, for a test that talks to the process itself. */
  public static List<String> command(String... args) {
    List<String> command = new ArrayList<>(command());
    command.addAll(List.of(args));
    return command;
  }

  private static List<String> command() {
    return List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar",
        jar().toString());
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
