package dev.jobkit.tools.registry;

import com.github.victools.jsonschema.generator.MemberScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import com.github.victools.jsonschema.module.jackson.JacksonSchemaModule;
import com.github.victools.jsonschema.module.jakarta.validation.JakartaValidationModule;
import com.github.victools.jsonschema.module.jakarta.validation.JakartaValidationOption;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON Schemas (Draft 2020-12) of the tools' records, generated with victools from their
 * Jackson and Jakarta Validation annotations; never written by hand.
 */
public final class Schemas {

  /** The mapper every part of the tools shares: snake_case comes from the records themselves. */
  public static final JsonMapper JSON = JsonMapper.builder().build();

  private static final SchemaGenerator GENERATOR = generator(true);
  // Output schemas name a type used more than once (a job, a fenced text) in $defs: inlined, a
  // guarded tool's result schema would repeat the job view and its fences a dozen times.
  private static final SchemaGenerator OUTPUT_GENERATOR = generator(false);
  private static final Map<Class<?>, ObjectNode> CACHE = new ConcurrentHashMap<>();
  private static final Map<Class<?>, ObjectNode> OUTPUT_CACHE = new ConcurrentHashMap<>();

  private Schemas() {}

  /** The tool's input schema; a fresh copy the caller may change. */
  public static ObjectNode input(Tool tool) {
    return of(tool.input());
  }

  /**
   * The tool's output schema, with the {@code error} property every tool's failure carries; a fresh
   * copy the caller may change.
   */
  public static ObjectNode output(Tool tool) {
    ObjectNode schema =
        OUTPUT_CACHE.computeIfAbsent(tool.output(), OUTPUT_GENERATOR::generateSchema).deepCopy();
    ObjectNode properties =
        schema.get("properties") instanceof ObjectNode p ? p : schema.putObject("properties");
    properties.set("error", of(Outputs.Failure.class).get("properties").get("error").deepCopy());
    return schema;
  }

  /** The schema of any record; a fresh copy the caller may change. */
  public static ObjectNode of(Class<?> type) {
    return CACHE.computeIfAbsent(type, GENERATOR::generateSchema).deepCopy();
  }

  private static SchemaGenerator generator(boolean inline) {
    SchemaGeneratorConfigBuilder config =
        new SchemaGeneratorConfigBuilder(JSON, SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
            .with(
                new JacksonSchemaModule(
                    JacksonOption.FLATTENED_ENUMS_FROM_JSONVALUE,
                    JacksonOption.FLATTENED_ENUMS_FROM_JSONPROPERTY))
            .with(
                new JakartaValidationModule(
                    JakartaValidationOption.NOT_NULLABLE_FIELD_IS_REQUIRED,
                    JakartaValidationOption.INCLUDE_PATTERN_EXPRESSIONS))
            .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
            .with(Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES);
    if (inline) {
      // An input schema stands alone (no $defs): simpler for models and for the strict form.
      config.with(Option.INLINE_ALL_SCHEMAS);
    }
    // victools sorts properties alphabetically by default; a model reads them best in the order
    // the record declares them (the id first, the confirmation token last).
    config.forTypesInGeneral().withPropertySorter(Comparator.comparingInt(Schemas::declaredIndex));
    return new SchemaGenerator(config.build());
  }

  private static int declaredIndex(MemberScope<?, ?> member) {
    Class<?> owner = member.getDeclaringType().getErasedType();
    if (!owner.isRecord()) {
      return Integer.MAX_VALUE;
    }
    List<String> names =
        Arrays.stream(owner.getRecordComponents()).map(RecordComponent::getName).toList();
    int index = names.indexOf(member.getDeclaredName());
    return index < 0 ? Integer.MAX_VALUE : index;
  }
}
