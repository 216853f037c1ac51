package dev.jobkit.server.api;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.media.Schema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.introspect.BeanPropertyDefinition;
import tools.jackson.databind.introspect.ClassIntrospector;
import tools.jackson.databind.json.JsonMapper;

/**
 * Gives the OpenAPI schemas the property names the service really writes. springdoc reads models
 * with swagger-core, which introspects them with Jackson 2: it sees the annotations Jackson 2 and 3
 * share ({@code @JsonProperty}, {@code @JsonInclude}) but not Jackson 3's {@code @JsonNaming}, so
 * every record of the SDK came out in camelCase ({@code displayName}). This converter asks the
 * service's own Jackson 3 mapper for each property's name instead, so the document follows whatever
 * the mapper does (naming strategy, explicit names) without a second Jackson configuration.
 */
class JsonPropertyNames implements ModelConverter {

  private final JsonMapper json;
  private final Map<Class<?>, Map<String, String>> renames = new ConcurrentHashMap<>();

  JsonPropertyNames(JsonMapper json) {
    this.json = json;
  }

  @Override
  public Schema<?> resolve(
      AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
    if (!chain.hasNext()) {
      return null;
    }
    Schema<?> resolved = chain.next().resolve(type, context, chain);
    // A model comes back as a reference to the component swagger-core has just defined, or as that
    // component itself; either way the component is renamed in place, since references point to
    // that very object.
    Schema<?> model = resolved;
    if (resolved != null && resolved.get$ref() != null) {
      String name = resolved.get$ref().substring(resolved.get$ref().lastIndexOf('/') + 1);
      model = context.getDefinedModels().get(name);
    }
    if (model == null || model.getProperties() == null || model.getProperties().isEmpty()) {
      return resolved;
    }
    // swagger-core hands over java.lang.reflect types or its own (Jackson 2) JavaType; its mapper
    // reads both, and only the raw class is taken from it.
    Class<?> raw = Json.mapper().constructType(type.getType()).getRawClass();
    Map<String, String> names = renames.computeIfAbsent(raw, this::writtenNames);
    if (names.isEmpty()) {
      return resolved;
    }
    Map<String, Schema> properties = new LinkedHashMap<>();
    model
        .getProperties()
        .forEach((name, property) -> properties.put(names.getOrDefault(name, name), property));
    model.setProperties(properties);
    if (model.getRequired() != null) {
      List<String> required = new ArrayList<>();
      model.getRequired().forEach(name -> required.add(names.getOrDefault(name, name)));
      model.setRequired(required);
    }
    return resolved;
  }

  @Override
  public boolean isOpenapi31() {
    return true;
  }

  /** The properties whose written name differs from the Java name: Java name → written name. */
  private Map<String, String> writtenNames(Class<?> type) {
    if (type.isPrimitive() || type.isEnum() || type.isArray() || !type.isRecord()) {
      // The API's bodies are records (the SDK's model); maps, lists and scalars have no names.
      return Map.of();
    }
    SerializationConfig config = json.serializationConfig();
    JavaType javaType = json.constructType(type);
    ClassIntrospector introspector = config.classIntrospectorInstance().forOperation(config);
    BeanDescription description =
        introspector.introspectForSerialization(
            javaType, introspector.introspectClassAnnotations(javaType));
    Map<String, String> names = new LinkedHashMap<>();
    for (BeanPropertyDefinition property : description.findProperties()) {
      if (!property.getInternalName().equals(property.getName())) {
        names.put(property.getInternalName(), property.getName());
      }
    }
    return Map.copyOf(names);
  }
}
