package dev.jobkit.tools.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.tools.registry.Schemas;
import dev.jobkit.tools.registry.Tool;
import dev.jobkit.tools.registry.Tools;
import dev.jobkit.tools.registry.Toolset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the session does to answers on their way to the client: a {@code tools/list} answer keeps
 * exactly the tools offered, in their order; a canceled call's answer is left out; anything else
 * passes untouched.
 */
class ClientSessionTest {

  private final McpOptions options =
      new McpOptions(
          McpOptions.defaults().withoutElicitation(),
          false,
          EnumSet.of(Toolset.JOBS, Toolset.ADMIN));
  private final ClientSession session = new ClientSession(options, uri -> {}, uri -> {});

  private static JsonNode message(String json) {
    return Schemas.JSON.readTree(json);
  }

  /** An answer to request {@code id} listing every tool there is, and the hidden one. */
  private static JsonNode everyTool(Object id) {
    ObjectNode answer = Schemas.JSON.createObjectNode();
    answer.put("jsonrpc", "2.0");
    answer.set("id", Schemas.JSON.valueToTree(id));
    ArrayNode tools = answer.putObject("result").putArray("tools");
    List<String> names = new ArrayList<>(Tools.names());
    names.add(2, ClientSession.UNKNOWN_TOOL);
    names.forEach(name -> tools.addObject().put("name", name).put("description", "d"));
    return answer;
  }

  private static List<String> names(JsonNode answer) {
    return StreamSupport.stream(answer.path("result").path("tools").spliterator(), false)
        .map(tool -> tool.path("name").asString())
        .toList();
  }

  private List<String> offered(boolean canAsk) {
    return Tools.all().stream().filter(t -> options.offers(t, canAsk)).map(Tool::name).toList();
  }

  @Test
  void a_tool_list_keeps_the_offered_tools_in_order_and_hides_the_unknown_tool_answerer() {
    session.rewrite(
        message(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"capabilities\":{}}}"));
    session.rewrite(message("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"));

    JsonNode sent = session.answer(everyTool(2));

    assertThat(names(sent)).containsExactlyElementsOf(offered(false));
    assertThat(names(sent)).doesNotContain(ClientSession.UNKNOWN_TOOL, "stop_job", "create_user");
    assertThat(sent.path("id").asInt()).isEqualTo(2);
  }

  @Test
  void a_client_that_can_ask_a_person_is_offered_the_guarded_tools_too() {
    session.rewrite(
        message(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"capabilities\":{\"elicitation\":{}}}}"));
    session.rewrite(message("{\"jsonrpc\":\"2.0\",\"id\":\"list-1\",\"method\":\"tools/list\"}"));

    JsonNode sent = session.answer(everyTool("list-1"));

    assertThat(names(sent)).containsExactlyElementsOf(offered(true)).contains("stop_job");
    assertThat(offered(true)).hasSize(Tools.names().size());
  }

  @Test
  void only_answers_to_tool_lists_are_cut_and_each_list_only_once() {
    session.rewrite(message("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}"));
    JsonNode other = everyTool(8);
    assertThat(session.answer(other)).isSameAs(other);

    assertThat(names(session.answer(everyTool(7)))).hasSize(offered(false).size());
    JsonNode again = everyTool(7);
    assertThat(session.answer(again)).isSameAs(again);
  }

  @Test
  void the_answer_to_a_canceled_call_is_left_out() {
    session.rewrite(
        message(
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"list_jobs\",\"arguments\":{}}}"));
    session.rewrite(
        message(
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                + "\"params\":{\"requestId\":5}}"));

    assertThat(session.answer(message("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}"))).isNull();
    JsonNode error = message("{\"jsonrpc\":\"2.0\",\"id\":6,\"error\":{\"code\":-1}}");
    assertThat(session.answer(error)).isSameAs(error);
  }
}
