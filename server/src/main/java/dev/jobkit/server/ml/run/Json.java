package dev.jobkit.server.ml.run;

import java.util.List;
import java.util.Map;

/** The little JSON the apps write (their reports and model.json): objects, lists, scalars. */
final class Json {

  private Json() {}

  static String object(Map<String, ?> members) {
    StringBuilder out = new StringBuilder("{");
    members.forEach(
        (name, value) -> {
          if (out.length() > 1) {
            out.append(", ");
          }
          out.append(string(name)).append(": ").append(value(value));
        });
    return out.append('}').toString();
  }

  static String value(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    if (value instanceof List<?> list) {
      StringBuilder out = new StringBuilder("[");
      for (Object item : list) {
        if (out.length() > 1) {
          out.append(", ");
        }
        out.append(value(item));
      }
      return out.append(']').toString();
    }
    if (value instanceof Map<?, ?> map) {
      @SuppressWarnings("unchecked")
      Map<String, ?> members = (Map<String, ?>) map;
      return object(members);
    }
    return string(value.toString());
  }

  static String string(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
