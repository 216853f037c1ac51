package dev.jobkit.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;

/** Assertions on the problem documents the service answers errors with. */
public final class Problems {

  private Problems() {}

  /**
   * Fails unless {@code answer} is a problem document ({@code application/problem+json}) with
   * {@code status} and {@code code} and, when {@code field} is not null, names that field among its
   * {@code errors}.
   */
  public static void assertRefused(Api.Response answer, int status, String code, String field) {
    assertThat(answer.status()).as("status of %s", answer.body()).isEqualTo(status);
    assertThat(answer.contentType()).startsWith("application/problem+json");
    JsonNode problem = answer.json();
    assertThat(problem.path("code").asString()).as("code in %s", problem).isEqualTo(code);
    assertThat(problem.path("status").asInt()).isEqualTo(status);
    if (field != null) {
      assertThat(problem.path("errors").findValues("field"))
          .extracting(JsonNode::asString)
          .as("errors[].field of %s", problem)
          .contains(field);
    }
  }
}
