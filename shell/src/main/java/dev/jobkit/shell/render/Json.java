package dev.jobkit.shell.render;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** JSON output for programs: the API's own field names (snake_case), RFC 3339 times. */
public final class Json {

  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private Json() {}

  /** {@code value} as indented JSON. */
  public static String write(Object value) {
    return MAPPER.writeValueAsString(value);
  }

  /** {@code value} as one line of JSON. */
  public static String line(Object value) {
    return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
  }

  /**
   * {@code value} as the maps, lists, strings, numbers and booleans of its JSON: what {@code -o
   * jsonpath} and {@code -o custom-columns} read, so their paths name the fields {@link #write}
   * prints.
   */
  public static Object tree(Object value) {
    return MAPPER.convertValue(value, Object.class);
  }
}
