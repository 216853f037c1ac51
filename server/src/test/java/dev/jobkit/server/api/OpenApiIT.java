package dev.jobkit.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI document at {@code /api/v1/openapi.json}: served without a key with its Swagger UI,
 * valid OpenAPI 3.1, holding every route of the controllers with the problem documents it can
 * answer, and naming properties as the service writes them.
 */
class OpenApiIT {

  /**
   * Routes of the service's controllers that are not part of the API, and why. Any other route
   * missing from the document fails {@link #every_route_of_every_controller_is_in_the_document}.
   */
  private static final Map<String, String> NOT_IN_THE_API =
      Map.of(
          "/error",
          "ProblemErrorController: where the servlet container forwards a failed request, not a"
              + " route a client calls");

  private static final Set<String> PROBLEMS_OF_EVERY_ROUTE = Set.of("400", "401", "404", "500");

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static JobkitServer server;
  static JsonNode document;

  @BeforeAll
  static void read() {
    server = service.server();
    document = server.anonymous().get(OpenApiDocument.PATH).expect(200).json();
  }

  @Test
  void the_document_and_its_ui_are_served_without_an_api_key() {
    Api anonymous = server.anonymous();

    Api.Response served = anonymous.get("/api/v1/openapi.json").expect(200);
    assertThat(served.contentType()).startsWith("application/json");
    assertThat(served.json().get("openapi").asString()).startsWith("3.1.");

    Api.Response ui = anonymous.get("/api/v1/docs").expect(302);
    String page = ui.headers().firstValue("Location").orElseThrow();
    assertThat(page).isEqualTo("/api/v1/swagger-ui/index.html");
    assertThat(anonymous.get(page).expect(200).contentType()).startsWith("text/html");
    // The UI's assets come from the service itself (a webjar), not from the internet.
    assertThat(anonymous.get("/api/v1/swagger-ui/swagger-ui-bundle.js").expect(200).body())
        .isNotEmpty();
    JsonNode config = anonymous.get("/api/v1/openapi.json/swagger-config").expect(200).json();
    assertThat(config.get("url").asString()).isEqualTo("/api/v1/openapi.json");
  }

  @Test
  void everything_else_under_api_still_needs_a_key() {
    Api anonymous = server.anonymous();
    for (String path :
        List.of("/api/v1/jobs", "/api/v1/me", "/api/v1/openapi.jsonx", "/api/v1/docs/jobs")) {
      Api.Response answer = anonymous.get(path);
      assertThat(answer.status()).as(path).isEqualTo(401);
      assertThat(answer.json().get("code").asString()).as(path).isEqualTo("unauthorized");
    }
  }

  @Test
  void the_document_is_valid_openapi_3_1() {
    Schema openApi31 = openApi31Schema();

    assertThat(openApi31.validate(document)).as("errors against the OpenAPI 3.1 schema").isEmpty();

    // The validator does look inside: at a response without its required description, and at a
    // Schema Object with a type JSON Schema does not have.
    ObjectNode broken = (ObjectNode) document.deepCopy();
    ((ObjectNode) broken.at("/paths/~1api~1v1~1me/get/responses/200")).remove("description");
    ((ObjectNode) broken.at("/components/schemas/Job/properties/id")).put("type", "text");
    assertThat(openApi31.validate(broken))
        .extracting(error -> error.getInstanceLocation().toString())
        .contains(
            "/paths/~1api~1v1~1me/get/responses/200", "/components/schemas/Job/properties/id/type");
  }

  @Test
  void every_route_of_every_controller_is_in_the_document() {
    Map<String, String> routes = controllerRoutes();
    Set<String> documented = documentedOperations();

    List<String> missing = new ArrayList<>();
    routes.forEach(
        (route, handler) -> {
          if (!documented.contains(route)) {
            missing.add(route + " (" + handler + ")");
          }
        });
    assertThat(missing)
        .as(
            "routes missing from %s; springdoc documents the @RestController routes under /api/"
                + " (springdoc.paths-to-match): is the route hidden, or outside /api/?",
            OpenApiDocument.PATH)
        .isEmpty();
    assertThat(documented)
        .as("operations in the document that no controller serves")
        .isSubsetOf(routes.keySet());
    assertThat(routes).containsKeys("POST /api/v1/jobs", "GET /api/v1/events/stream");
  }

  @Test
  void every_operation_answers_problem_documents_for_its_errors() {
    for (String route : documentedOperations()) {
      JsonNode responses = operation(route).get("responses");
      Set<String> statuses = new TreeSet<>(responses.propertyNames());
      assertThat(statuses).as(route).containsAll(PROBLEMS_OF_EVERY_ROUTE);
      if (operation(route).has("requestBody")) {
        assertThat(statuses).as(route + " has a body").contains("413", "415");
      }
      for (String status : statuses) {
        if (status.startsWith("4") || status.startsWith("5")) {
          assertThat(responses.at("/" + status + "/content/application~1problem+json/schema/$ref"))
              .as("%s %s", route, status)
              .hasToString("\"#/components/schemas/Problem\"");
        }
      }
    }
    assertThat(statuses("POST /api/v1/jobs")).as("Idempotency-Key reuse").contains("409");
    assertThat(statuses("POST /api/v1/jobs/{id}/stop")).contains("403", "409");
    assertThat(statuses("POST /api/v1/jobs/{id}/cancel")).contains("403", "409");
    assertThat(statuses("DELETE /api/v1/jobs/{id}")).contains("403", "409", "200");
    assertThat(statuses("POST /api/v1/users")).contains("403", "409");
    assertThat(statuses("GET /api/v1/jobs/{id}")).doesNotContain("409");
    assertThat(operation("GET /api/v1/me").at("/responses/401/headers").has("WWW-Authenticate"))
        .as("a 401 says how to authenticate")
        .isTrue();
    assertThat(documentedOperations())
        .as("routes of ProblemResponses.BY_ROUTE that the document does not have")
        .containsAll(ProblemResponses.BY_ROUTE.keySet());
  }

  @Test
  void the_problem_schema_has_every_field_the_service_sends() {
    assertThat(properties("Problem"))
        .contains(
            "type",
            "title",
            "status",
            "detail",
            "code",
            "request_id",
            "current_status",
            "allowed_statuses",
            "errors");
    Api user = service.user();
    Job ended = user.submit("{\"command\":[\"true\"]}");
    user.awaitStatus(ended.id(), JobStatus.SUCCEEDED);

    List<JsonNode> problems =
        List.of(
            user.get("/api/v1/jobs/job_nope").expect(404).json(),
            user.post("/api/v1/jobs/" + ended.id() + "/stop", "").expect(409).json(),
            user.post("/api/v1/jobs", "{\"command\":[\"true\"],\"priority\":99}")
                .expect(400)
                .json(),
            server.anonymous().get("/api/v1/me").expect(401).json());

    for (JsonNode problem : problems) {
      assertThat(properties("Problem")).as(problem.toString()).containsAll(problem.propertyNames());
    }
  }

  @Test
  void the_schemas_name_properties_as_the_service_writes_them() {
    Map<String, List<String>> notSnakeCase = new TreeMap<>();
    document
        .get("components")
        .get("schemas")
        .properties()
        .forEach(
            schema -> {
              for (String property : properties(schema.getKey())) {
                if (!property.matches("[a-z][a-z0-9]*(_[a-z0-9]+)*")) {
                  notSnakeCase
                      .computeIfAbsent(schema.getKey(), k -> new ArrayList<>())
                      .add(property);
                }
              }
            });
    assertThat(notSnakeCase).as("properties not in snake_case, by schema").isEmpty();
    assertThat(properties("Job")).contains("display_name", "pod_count", "created_at");
    assertThat(properties("JobSpec")).contains("display_name", "timeout_seconds");
    assertThat(operation("PATCH /api/v1/jobs/{id}").at("/requestBody/content/application~1json"))
        .hasToString("{\"schema\":{\"$ref\":\"#/components/schemas/JobUpdate\"}}");

    // What the service really writes: every field is a property of the documented schema.
    Api user = service.user();
    Job job = user.submit("{\"command\":[\"true\"],\"display_name\":\"named\"}");
    user.awaitStatus(job.id(), JobStatus.SUCCEEDED);
    assertThat(properties("Job"))
        .containsExactlyInAnyOrderElementsOf(
            user.get("/api/v1/jobs/" + job.id()).expect(200).json().propertyNames());
    for (Api me : List.of(user, service.admin())) {
      assertThat(properties("User"))
          .containsAll(me.get("/api/v1/me").expect(200).json().propertyNames());
    }
    for (JsonNode event : user.get("/api/v1/jobs/" + job.id() + "/events").expect(200).json()) {
      assertThat(properties("JobEvent")).containsAll(event.propertyNames());
    }
  }

  /** The official OpenAPI 3.1 schema, Schema Objects included, read from the classpath. */
  private static Schema openApi31Schema() {
    SchemaRegistry registry =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder ->
                builder.schemaIdResolvers(
                    ids ->
                        ids.mapPrefix(
                            "https://spec.openapis.org/oas/3.1/",
                            "classpath:spec.openapis.org/oas/3.1/")));
    return registry.getSchema(
        SchemaLocation.of("https://spec.openapis.org/oas/3.1/schema-base/2022-10-07"));
  }

  /** Every route ({@code "METHOD path"}) of the service's controllers → its handler. */
  private static Map<String, String> controllerRoutes() {
    Map<String, String> routes = new TreeMap<>();
    Set<String> outside = new TreeSet<>();
    // Every mapping the dispatcher asks (the actuator has one of its own besides the MVC one).
    List<Map.Entry<RequestMappingInfo, HandlerMethod>> mapped =
        server.bean(DispatcherServlet.class).getHandlerMappings().stream()
            .filter(RequestMappingHandlerMapping.class::isInstance)
            .flatMap(
                m -> ((RequestMappingHandlerMapping) m).getHandlerMethods().entrySet().stream())
            .toList();
    for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapped) {
      HandlerMethod handler = entry.getValue();
      Class<?> type = handler.getBeanType();
      if (!type.getPackageName().startsWith("dev.jobkit")
          || !AnnotatedElementUtils.hasAnnotation(type, RestController.class)) {
        continue;
      }
      Set<RequestMethod> methods = entry.getKey().getMethodsCondition().getMethods();
      for (String path : entry.getKey().getPatternValues()) {
        if (NOT_IN_THE_API.containsKey(path)) {
          continue;
        }
        if (!path.startsWith("/api/")) {
          outside.add(path + " (" + type.getSimpleName() + ")");
        }
        // A capture of the rest of the path ({*path}) is one parameter in OpenAPI: {path}.
        String documented = path.replaceAll("\\{\\*(\\w+)}", "{$1}");
        for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.values()) : methods) {
          routes.put(
              method + " " + documented,
              type.getSimpleName() + "#" + handler.getMethod().getName());
        }
      }
    }
    assertThat(outside)
        .as(
            "routes outside /api/, which the document leaves out: move them under /api/v1 or name"
                + " them in NOT_IN_THE_API with the reason")
        .isEmpty();
    return routes;
  }

  /** Every operation of the document as {@code "METHOD path"}. */
  private static Set<String> documentedOperations() {
    Set<String> operations = new TreeSet<>();
    document
        .get("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .propertyNames()
                    .forEach(
                        method ->
                            operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
    return operations;
  }

  private static JsonNode operation(String route) {
    String[] methodAndPath = route.split(" ", 2);
    JsonNode operation =
        document
            .get("paths")
            .path(methodAndPath[1])
            .path(methodAndPath[0].toLowerCase(Locale.ROOT));
    assertThat(operation.isObject()).as("%s is in the document", route).isTrue();
    return operation;
  }

  private static Set<String> statuses(String route) {
    return new TreeSet<>(operation(route).get("responses").propertyNames());
  }

  private static Set<String> properties(String schema) {
    JsonNode properties = document.at("/components/schemas/" + schema + "/properties");
    assertThat(properties.isObject()).as("schema %s has properties", schema).isTrue();
    return new TreeSet<>(properties.propertyNames());
  }
}
