package dev.jobkit.server.jobs;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.server.DaemonThreads;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parameter schemas of apps, with the maintained JSON Schema 2020-12 validator of networknt: a
 * schema is checked against the 2020-12 meta-schema when an app is put, and the parameters of a
 * submission against the app's schema, after the {@code default}s of its top-level properties are
 * filled in. Remote {@code $ref}s are not fetched: a schema holds all it needs.
 */
@Component
class ParameterSchemas {

  private static final String DIALECT = SpecificationVersion.DRAFT_2020_12.getDialectId();
  private static final int CACHED = 256;

  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));
  // Loaded beside the rest of the service's start (about 0.1 s there), waited for at the first
  // schema checked: no start puts an app through the checks.
  private final CompletableFuture<Schema> metaSchema =
      CompletableFuture.supplyAsync(
          () -> registry.getSchema(SchemaLocation.of(DIALECT)),
          task -> DaemonThreads.named("schema-loader").newThread(task).start());
  private final JsonMapper json = JsonMapper.builder().build();

  /** Compiled schemas by app and version; both are immutable once put. */
  private final Map<String, Schema> compiled =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Schema> eldest) {
              return size() > CACHED;
            }
          });

  /**
   * Checks an app's parameter schema, adding what is wrong to {@code errors} (fields under {@code
   * parameters}); returns the names of the parameters it declares (its top-level {@code
   * properties}), empty for no schema.
   */
  Set<String> check(Map<String, Object> schema, List<FieldError> errors) {
    if (schema.isEmpty()) {
      return Set.of();
    }
    int before = errors.size();
    Object dialect = schema.get("$schema");
    if (dialect != null && !DIALECT.equals(dialect)) {
      errors.add(
          new FieldError(
              "parameters.$schema", "must be " + DIALECT + " (JSON Schema 2020-12) or left out"));
    }
    if (!"object".equals(schema.get("type"))) {
      errors.add(
          new FieldError(
              "parameters.type",
              "the parameter schema describes an object: its root needs \"type\": \"object\" and"
                  + " its properties name the parameters"));
    }
    JsonNode node = json.valueToTree(schema);
    for (Error error : metaSchema.join().validate(node)) {
      errors.add(
          new FieldError(
              "parameters" + dotted(error.getInstanceLocation().toString()),
              "not valid JSON Schema 2020-12 (" + error.getKeyword() + "): " + message(error)));
    }
    Set<String> names = new LinkedHashSet<>();
    if (schema.get("properties") instanceof Map<?, ?> properties) {
      Map<String, String> byVariable = new LinkedHashMap<>();
      for (Object key : properties.keySet()) {
        String name = String.valueOf(key);
        if (!AppTemplates.PARAMETER_NAME.matcher(name).matches()) {
          errors.add(
              new FieldError(
                  "parameters.properties." + name,
                  "a parameter's name is 1 to 64 letters, digits and '_', not starting with a"
                      + " digit: it is also part of its variable JOBKIT_PARAM_<NAME>"));
          continue;
        }
        String other = byVariable.put(name.toUpperCase(Locale.ROOT), name);
        if (other != null) {
          errors.add(
              new FieldError(
                  "parameters.properties." + name,
                  "differs from '"
                      + other
                      + "' only in case: both would be "
                      + AppTemplates.envName(name)));
        }
        names.add(name);
      }
    }
    if (errors.size() == before) {
      try {
        registry.getSchema(node).initializeValidators();
      } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
        errors.add(
            new FieldError("parameters", "is not a schema that can be used: " + e.getMessage()));
      }
    }
    return names;
  }

  /**
   * The parameters of a submission with the schema's top-level defaults filled in, checked against
   * the schema of app {@code key} ({@code name@version}); what is wrong goes to {@code errors} as
   * {@code <prefix>parameters.<name>} and the rule it breaks. Names the schema does not declare are
   * refused: a template could not use them.
   */
  Map<String, Object> apply(
      String key,
      Map<String, Object> schema,
      Set<String> declared,
      Map<String, Object> given,
      String prefix,
      List<FieldError> errors) {
    Map<String, Object> values = new LinkedHashMap<>(given);
    for (String name : given.keySet()) {
      if (!declared.contains(name)) {
        errors.add(
            new FieldError(
                prefix + "parameters." + name,
                declared.isEmpty()
                    ? "the app takes no parameters"
                    : "is not a parameter of the app; its parameters are "
                        + String.join(", ", declared)));
      }
    }
    if (schema.isEmpty()) {
      return values;
    }
    if (schema.get("properties") instanceof Map<?, ?> properties) {
      properties.forEach(
          (name, property) -> {
            if (!values.containsKey(String.valueOf(name))
                && property instanceof Map<?, ?> p
                && p.containsKey("default")) {
              values.put(String.valueOf(name), p.get("default"));
            }
          });
    }
    List<Error> found;
    try {
      Schema compiledSchema =
          compiled.computeIfAbsent(key, k -> registry.getSchema(json.valueToTree(schema)));
      found = compiledSchema.validate(json.valueToTree(values));
    } catch (SchemaException e) {
      // The put checked the schema; should a schema still fail here, it is an answer, not a 500.
      errors.add(
          new FieldError(
              prefix + "app", "the app's parameter schema cannot be used: " + e.getMessage()));
      return values;
    }
    for (Error error : found) {
      String path = dotted(error.getInstanceLocation().toString());
      String field =
          path.isEmpty() ? error.getProperty() != null ? "." + error.getProperty() : "" : path;
      errors.add(
          new FieldError(
              prefix + "parameters" + field, error.getKeyword() + ": " + message(error)));
    }
    return values;
  }

  /** The parameters a (valid) schema declares: the names of its top-level properties. */
  static Set<String> declared(Map<String, Object> schema) {
    Set<String> names = new LinkedHashSet<>();
    if (schema.get("properties") instanceof Map<?, ?> properties) {
      properties.keySet().forEach(name -> names.add(String.valueOf(name)));
    }
    return names;
  }

  /**
   * A JSON Pointer ({@code /properties/lr}, or {@code $.properties.lr}) as {@code .properties.lr}.
   */
  private static String dotted(String location) {
    String path = location.startsWith("$") ? location.substring(1) : location;
    if (path.startsWith("/")) {
      path = path.replace('/', '.');
    }
    return path.equals(".") ? "" : path;
  }

  /** The validator's sentence without the location it starts with. */
  private static String message(Error error) {
    String message = error.getMessage();
    String location = error.getInstanceLocation().toString();
    if (message.startsWith(location + ": ")) {
      message = message.substring(location.length() + 2);
    }
    return message;
  }
}
