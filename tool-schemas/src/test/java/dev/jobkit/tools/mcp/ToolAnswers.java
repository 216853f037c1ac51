package dev.jobkit.tools.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;

/**
 * What the tests read from {@link TypeScriptHost}'s answer to a {@code call}: the client either
 * returned the tool's result ({@code ok: true}) or threw ({@code ok: false}, with the error).
 */
final class ToolAnswers {

  private ToolAnswers() {}

  /** The structured content of a result the client handed over, failed or not. */
  static JsonNode structured(JsonNode answer) {
    assertThat(answer.path("ok").asBoolean())
        .as("the client handed the result over instead of throwing: %s", answer)
        .isTrue();
    JsonNode content = answer.path("result").path("structuredContent");
    assertThat(content.isObject()).as("structured content in %s", answer).isTrue();
    return content;
  }

  /** The structured content of a result that succeeded ({@code isError} false or absent). */
  static JsonNode succeeded(JsonNode answer) {
    JsonNode content = structured(answer);
    assertThat(answer.path("result").path("isError").asBoolean(false))
        .as("isError of %s", answer)
        .isFalse();
    return content;
  }

  /** The structured content of a result that failed ({@code isError} true). */
  static JsonNode failed(JsonNode answer) {
    JsonNode content = structured(answer);
    assertThat(answer.path("result").path("isError").asBoolean(false))
        .as("isError of %s", answer)
        .isTrue();
    return content;
  }

  /** The {@code error} of a failed result: its code, detail, fix, … */
  static JsonNode error(JsonNode answer) {
    JsonNode error = failed(answer).path("error");
    assertThat(error.path("code").isString()).as("error.code in %s", answer).isTrue();
    return error;
  }
}
