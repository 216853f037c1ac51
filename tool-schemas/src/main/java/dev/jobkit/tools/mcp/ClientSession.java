package dev.jobkit.tools.mcp;

import dev.jobkit.tools.registry.Tool;
import dev.jobkit.tools.registry.Tools;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the server learns from the client's messages before the MCP SDK handles them (the SDK has no
 * hook for these): whether the client can ask a person, which calls it canceled, and which
 * resources it subscribes to. It also routes a call of a tool the server does not offer to {@link
 * #UNKNOWN_TOOL}, which answers with the tools there are (the SDK itself would answer a bare
 * protocol error), marks each call with its request id so the handler can tell when it is canceled,
 * leaves out the answers of canceled calls, and keeps only the offered tools in answers to {@code
 * tools/list}.
 */
final class ClientSession {

  /** The hidden tool that answers calls of tools the server does not offer. */
  static final String UNKNOWN_TOOL = "jobkit_unknown_tool";

  /** Where in a call's {@code _meta} its JSON-RPC request id is put. */
  static final String REQUEST_ID = "dev.jobkit/request_id";

  private final McpOptions options;
  private final Consumer<String> onSubscribe;
  private final Consumer<String> onUnsubscribe;
  private volatile boolean canAsk;
  private final Map<String, AtomicBoolean> calls = new ConcurrentHashMap<>();
  private final Set<String> canceledCalls = ConcurrentHashMap.newKeySet();
  private final Set<String> toolLists = ConcurrentHashMap.newKeySet();

  ClientSession(McpOptions options, Consumer<String> onSubscribe, Consumer<String> onUnsubscribe) {
    this.options = options;
    this.onSubscribe = onSubscribe;
    this.onUnsubscribe = onUnsubscribe;
  }

  /** Whether the client declared elicitation when it initialized. */
  boolean canAsk() {
    return canAsk;
  }

  /** Whether the server offers the tool of that name to this client. */
  boolean offers(String name) {
    Optional<Tool> tool = Tools.find(name);
    return tool.isPresent() && options.offers(tool.get(), canAsk);
  }

  /**
   * The flag that turns true when the client cancels the call of that request id; forgotten by
   * {@link #finished}.
   */
  AtomicBoolean canceled(String requestId) {
    return requestId == null
        ? new AtomicBoolean()
        : calls.computeIfAbsent(requestId, id -> new AtomicBoolean());
  }

  /** The call of that request id has been answered. */
  void finished(String requestId) {
    if (requestId != null) {
      calls.remove(requestId);
    }
  }

  /**
   * An answer as the client is to see it, or null when it is not to be sent. A call the client
   * canceled gets no answer (MCP; the client would only report an unknown id). An answer to {@code
   * tools/list} keeps only the tools offered to this client.
   *
   * <p>The list is cut here, in one thread, rather than by the SDK's tool filter. The SDK runs that
   * filter for each tool on another thread through Reactor's {@code Flux.filterWhen}, which drops
   * an element when a result arrives while the thread draining the list has moved on to the next
   * tool but the finished inner has not been cleared yet (reactor-core 3.8.8, {@code
   * FluxFilterWhen}: its claim of the next inner fails and the element is discarded). Tests saw it
   * on busy machines as runs of tools missing from the middle of the list.
   */
  JsonNode answer(JsonNode answer) {
    String id = answer.path("id").asString("");
    if (canceledCalls.remove(id)) {
      return null;
    }
    if (toolLists.remove(id) && answer.path("result").path("tools").isArray()) {
      ObjectNode copy = (ObjectNode) answer.deepCopy();
      ArrayNode tools = (ArrayNode) copy.get("result").get("tools");
      for (int i = tools.size() - 1; i >= 0; i--) {
        if (!offers(tools.get(i).path("name").asString(""))) {
          tools.remove(i);
        }
      }
      return copy;
    }
    return answer;
  }

  /** A message from the client, as the SDK is to see it. */
  JsonNode rewrite(JsonNode message) {
    String method = message.path("method").asString("");
    JsonNode params = message.path("params");
    switch (method) {
      case "initialize" -> canAsk = params.path("capabilities").has("elicitation");
      case "notifications/cancelled" -> {
        // Only a call still running is marked: a late cancel finds nothing and leaves nothing.
        String id = params.path("requestId").asString("");
        AtomicBoolean flag = calls.get(id);
        if (flag != null) {
          flag.set(true);
          canceledCalls.add(id);
        }
      }
      case "tools/list" -> {
        if (message.has("id")) {
          toolLists.add(message.get("id").asString());
        }
      }
      case "resources/subscribe" -> onSubscribe.accept(params.path("uri").asString(""));
      case "resources/unsubscribe" -> onUnsubscribe.accept(params.path("uri").asString(""));
      case "tools/call" -> {
        return call((ObjectNode) message);
      }
      default -> {
        // everything else goes to the SDK as it came
      }
    }
    return message;
  }

  private JsonNode call(ObjectNode message) {
    if (!(message.get("params") instanceof ObjectNode params) || !message.has("id")) {
      return message; // malformed: the SDK answers it
    }
    ObjectNode copy = message.deepCopy();
    ObjectNode p = (ObjectNode) copy.get("params");
    String name = params.path("name").asString("");
    if (!offers(name)) {
      ObjectNode arguments = p.putObject("arguments");
      arguments.put("name", name);
      arguments.put("exists", Tools.find(name).isPresent());
      p.put("name", UNKNOWN_TOOL);
    }
    String id = message.get("id").asString();
    ObjectNode meta = p.get("_meta") instanceof ObjectNode m ? m : p.putObject("_meta");
    meta.put(REQUEST_ID, id);
    // Known from the moment the call arrives, so a cancel sent right after it is not lost.
    canceled(id);
    return copy;
  }
}
