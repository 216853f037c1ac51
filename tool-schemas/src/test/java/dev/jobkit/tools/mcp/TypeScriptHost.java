package dev.jobkit.tools.mcp;

import dev.jobkit.tools.registry.Schemas;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The official TypeScript MCP client as a host that a test drives one step at a time: {@code node
 * host.mjs} in {@code src/test/node} (installed by the build's {@code npm ci}) starts the MCP
 * server as its child over stdio, connects, lists the tools, then answers one JSON command per
 * line. The commands and the shape of the answers are written at the top of {@code host.mjs}.
 *
 * <p>Answers are matched to commands by {@code id} on a reader thread, so a test can start a long
 * call with {@link #sendAsync} and go on sending other commands while it runs.
 *
 * <pre>{@code
 * try (TypeScriptHost host = TypeScriptHost.start(server.baseUrl(), key, true, Map.of())) {
 *   host.elicitation(TypeScriptHost.Elicitation.ACCEPT);
 *   JsonNode answer = host.call("stop_job", "{\"job_id\":\"job_1\"}");
 *   assertThat(answer.get("ok").asBoolean()).isTrue();
 *   assertThat(host.elicitations()).hasSize(1);
 * }
 * }</pre>
 */
final class TypeScriptHost implements AutoCloseable {

  /** Longer than the client's own default request timeout (60 s), so that one answers first. */
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(90);

  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How long host.mjs gives its MCP server to start, connect and list the tools before it fails
   * ({@code CONNECT_TIMEOUT_MS}); commands sent before the first answer wait this long more.
   */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(180);

  /** How the client answers the server's {@code elicitation/create} requests. */
  enum Elicitation {
    /** Accepts with {@code {"confirm": true}}. */
    ACCEPT,
    /** Accepts with {@code {"confirm": false}}. */
    ACCEPT_FALSE,
    /** Declines; the host's answer until told otherwise. */
    DECLINE,
    /** Cancels, as a person closing the dialog does. */
    CANCEL;

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Process node;
  private final Writer commands;
  private final Thread reader;
  private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> strayLines = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile boolean stdoutEnded;
  private volatile boolean answeredOnce;
  private boolean closed;

  private TypeScriptHost(Process node) {
    this.node = node;
    this.commands = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
    this.reader = new Thread(this::read, "typescript-host-answers");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts a host for the service at {@code jobkitUrl} with {@code apiKey}. */
  static TypeScriptHost start(String jobkitUrl, String apiKey, boolean elicitation) {
    return start(jobkitUrl, apiKey, elicitation, Map.of());
  }

  /**
   * Starts a host for the service at {@code jobkitUrl} with {@code apiKey}.
   *
   * @param elicitation whether the client declares the elicitation capability
   * @param environment more variables for the server, such as {@code JOBKIT_MCP_CONFIRM}
   */
  static TypeScriptHost start(
      String jobkitUrl, String apiKey, boolean elicitation, Map<String, String> environment) {
    List<String> command = new ArrayList<>(List.of("node", "host.mjs"));
    if (elicitation) {
      command.add("--elicitation");
    }
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(Path.of("src/test/node").toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    Map<String, String> env = builder.environment();
    // Only what the test says reaches the server, not a JOBKIT_MCP_CONFIRM of the developer's
    // shell.
    env.keySet().removeIf(name -> name.startsWith("JOBKIT_"));
    env.put("MCP_SERVER_COMMAND", ServerCommand.java());
    env.put("MCP_SERVER_ARGS", Schemas.JSON.writeValueAsString(ServerCommand.args()));
    env.put("JOBKIT_URL", jobkitUrl);
    env.put("JOBKIT_API_KEY", apiKey);
    env.putAll(environment);
    try {
      return new TypeScriptHost(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start node host.mjs", e);
    }
  }

  /** A command with its {@code op}, for the fields of less common commands. */
  static ObjectNode command(String op) {
    return Schemas.JSON.createObjectNode().put("op", op);
  }

  /**
   * A {@code call} command, to which a test adds {@code progress}, {@code timeout_ms}, {@code
   * reset_timeout_on_progress}, {@code max_total_timeout_ms} or {@code cancel_after_ms}.
   */
  static ObjectNode callCommand(String tool, String argumentsJson) {
    ObjectNode command = command("call").put("name", tool);
    command.set("arguments", Schemas.JSON.readTree(argumentsJson));
    return command;
  }

  /**
   * Sends a command and returns its answer once it comes. A command without an {@code id} gets a
   * fresh one; the command passed in is not changed.
   */
  CompletableFuture<JsonNode> sendAsync(ObjectNode command) {
    ObjectNode sent = command.deepCopy();
    if (!sent.has("id")) {
      sent.put("id", ids.incrementAndGet());
    }
    String id = sent.get("id").toString();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    if (pending.putIfAbsent(id, answer) != null) {
      throw new IllegalArgumentException("a command with id " + id + " is still unanswered");
    }
    if (stdoutEnded) {
      answer.completeExceptionally(ended());
    }
    try {
      synchronized (commands) {
        commands.write(Schemas.JSON.writeValueAsString(sent) + "\n");
        commands.flush();
      }
    } catch (IOException e) {
      pending.remove(id);
      answer.completeExceptionally(
          new UncheckedIOException("could not write to node host.mjs: " + sent, e));
    }
    return answer;
  }

  /** Sends a command and waits for its answer, at most 90 s (more before the first answer). */
  JsonNode send(ObjectNode command) {
    return send(command, ANSWER_TIMEOUT);
  }

  /**
   * Sends a command and waits for its answer, at most {@code timeout}, and before the host's first
   * answer as long as connecting may take on top.
   */
  JsonNode send(ObjectNode command, Duration timeout) {
    Duration allowed = answeredOnce ? timeout : timeout.plus(CONNECT_TIMEOUT);
    CompletableFuture<JsonNode> answer = sendAsync(command);
    try {
      return answer.get(allowed.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer to " + command + " within " + allowed, e);
    } catch (ExecutionException e) {
      throw new AssertionError("no answer to " + command + ": " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the answer to " + command, e);
    }
  }

  /** The tools as the client lists them (one page, which today is all of them). */
  JsonNode listTools() {
    return resultOf(send(command("list_tools"))).get("tools");
  }

  /** Calls a tool and returns the whole answer: {@code ok} and {@code result} or {@code error}. */
  JsonNode call(String tool, String argumentsJson) {
    return send(callCommand(tool, argumentsJson));
  }

  /**
   * Calls a tool with a progress token and returns the whole answer, whose {@code progress} holds
   * every progress notification the client received for the call.
   */
  JsonNode callWithProgress(String tool, String argumentsJson) {
    return send(callCommand(tool, argumentsJson).put("progress", true));
  }

  /** Sets how the client answers the elicitation requests that come from now on. */
  void elicitation(Elicitation answer) {
    resultOf(send(command("elicitation").put("answer", answer.wireName())));
  }

  /**
   * The params ({@code message}, {@code requestedSchema}) of every elicitation request received
   * since the last time this was asked, also those sent to a client that did not declare the
   * capability.
   */
  JsonNode elicitations() {
    return resultOf(send(command("elicitations")));
  }

  /**
   * Every notification ({@code method}, {@code params}) the server sent since the last time this
   * was asked, except progress and cancellation.
   */
  JsonNode notifications() {
    return resultOf(send(command("notifications")));
  }

  /**
   * Sends a request as written, past the client's own checks, and returns the whole answer; the
   * client accepts any result.
   */
  JsonNode raw(String method, String paramsJson) {
    ObjectNode command = command("raw").put("method", method);
    command.set("params", Schemas.JSON.readTree(paramsJson));
    return send(command);
  }

  /**
   * Closes the client (the server sees the end of its stdin) and waits for node to exit; kills it
   * after 30 s. Fails if node did not answer, exited with another code than 0, or wrote anything to
   * stdout that is not an answer.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      AssertionError unanswered = null;
      try {
        send(command("close"), EXIT_TIMEOUT);
      } catch (AssertionError e) {
        unanswered = e;
      }
      if (!node.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("node host.mjs did not exit within " + EXIT_TIMEOUT + " of close");
      }
      reader.join(EXIT_TIMEOUT.toMillis());
      if (node.exitValue() != 0) {
        throw new AssertionError("node host.mjs exited with code " + node.exitValue(), unanswered);
      }
      if (!strayLines.isEmpty()) {
        throw new AssertionError("node host.mjs wrote lines that are not answers: " + strayLines);
      }
      if (unanswered != null) {
        throw unanswered;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while node host.mjs was closing", e);
    } finally {
      if (node.isAlive()) {
        node.descendants().forEach(ProcessHandle::destroyForcibly);
        node.destroyForcibly();
      }
    }
  }

  private static JsonNode resultOf(JsonNode answer) {
    if (!answer.get("ok").asBoolean()) {
      throw new AssertionError("the host answered with an error: " + answer);
    }
    return answer.get("result");
  }

  private void read() {
    try (BufferedReader answers =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = answers.readLine(); line != null; line = answers.readLine()) {
        CompletableFuture<JsonNode> waiting = null;
        JsonNode answer = null;
        try {
          answer = Schemas.JSON.readTree(line);
          JsonNode id = answer.get("id");
          waiting = id == null ? null : pending.remove(id.toString());
        } catch (JacksonException e) {
          // Kept as a stray line below.
        }
        if (waiting == null) {
          System.err.println("node host.mjs wrote a line that answers no command: " + line);
          strayLines.add(line);
        } else {
          answeredOnce = true;
          waiting.complete(answer);
        }
      }
    } catch (IOException e) {
      System.err.println("reading node host.mjs's stdout failed: " + e);
    } finally {
      stdoutEnded = true;
      IllegalStateException ended = ended();
      pending.values().forEach(answer -> answer.completeExceptionally(ended));
    }
  }

  private IllegalStateException ended() {
    String exit;
    try {
      exit =
          node.waitFor(5, TimeUnit.SECONDS)
              ? "exited with code " + node.exitValue()
              : "closed its stdout";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exit = "closed its stdout";
    }
    return new IllegalStateException("node host.mjs " + exit + " before answering");
  }
}
