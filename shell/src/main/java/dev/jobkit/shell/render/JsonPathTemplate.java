package dev.jobkit.shell.render;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A kubectl JSONPath template ({@code -o jsonpath='{.items[*].id}'}): text, with expressions in
 * braces.
 *
 * <p>An expression is a path ({@code .status}, {@code .items[*].id}, {@code .items[0].tags.team},
 * {@code .items[?(@.status=="RUNNING")].id}, slices and unions: what Jayway's JSONPath reads, with
 * the leading {@code $} optional), a quoted text ({@code {"\n"}}, with {@code \n}, {@code \t},
 * {@code \"} and {@code \\}), or {@code range PATH} ... {@code end}, which writes what is between
 * them once per value of {@code PATH}, its paths read from that value. Several values of one path
 * are separated by a space, as kubectl does; objects and lists are written as one line of JSON; a
 * missing field writes nothing.
 */
public final class JsonPathTemplate {

  private static final Configuration PATHS =
      Configuration.defaultConfiguration().addOptions(Option.SUPPRESS_EXCEPTIONS);

  private sealed interface Part {}

  private record Text(String text) implements Part {}

  private record Path(JsonPath path) implements Part {}

  private record Range(JsonPath path, List<Part> body) implements Part {}

  private final List<Part> parts;

  private JsonPathTemplate(List<Part> parts) {
    this.parts = parts;
  }

  /**
   * Parses {@code template}.
   *
   * @throws IllegalArgumentException with a sentence saying what is wrong: an unclosed brace, a
   *     {@code range} without its {@code end}, a path JSONPath does not read
   */
  public static JsonPathTemplate parse(String template) {
    List<List<Part>> open = new ArrayList<>();
    List<JsonPath> ranges = new ArrayList<>();
    List<Part> current = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '{') {
        text.append(c);
        i++;
        continue;
      }
      int close = closingBrace(template, i);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed '{' at position " + (i + 1) + " of jsonpath");
      }
      if (!text.isEmpty()) {
        current.add(new Text(text.toString()));
        text.setLength(0);
      }
      String inside = template.substring(i + 1, close).strip();
      i = close + 1;
      if (inside.equals("end")) {
        if (open.isEmpty()) {
          throw new IllegalArgumentException("{end} without a {range ...} before it in jsonpath");
        }
        List<Part> body = current;
        current = open.remove(open.size() - 1);
        current.add(new Range(ranges.remove(ranges.size() - 1), List.copyOf(body)));
      } else if (inside.startsWith("range ") || inside.startsWith("range\t")) {
        open.add(current);
        ranges.add(path(inside.substring("range".length()).strip()));
        current = new ArrayList<>();
      } else if (inside.startsWith("\"")) {
        current.add(new Text(quoted(inside)));
      } else if (inside.isEmpty()) {
        throw new IllegalArgumentException("empty '{}' in jsonpath");
      } else {
        current.add(new Path(path(inside)));
      }
    }
    if (!open.isEmpty()) {
      throw new IllegalArgumentException("{range ...} without its {end} in jsonpath");
    }
    if (!text.isEmpty()) {
      current.add(new Text(text.toString()));
    }
    return new JsonPathTemplate(List.copyOf(current));
  }

  /**
   * A kubectl path ({@code .a.b}, {@code a.b}, {@code $.a}, {@code @.a}) as Jayway's.
   *
   * @throws IllegalArgumentException if JSONPath does not read it
   */
  static JsonPath path(String expression) {
    String e = expression.strip();
    String jayway;
    if (e.startsWith("$")) {
      jayway = e;
    } else if (e.startsWith("@")) {
      jayway = "$" + e.substring(1);
    } else if (e.startsWith(".") || e.startsWith("[")) {
      jayway = "$" + e;
    } else {
      jayway = "$." + e;
    }
    try {
      return JsonPath.compile(jayway);
    } catch (InvalidPathException | IllegalArgumentException ex) {
      throw new IllegalArgumentException("bad path '" + expression + "': " + ex.getMessage(), ex);
    }
  }

  /**
   * The values {@code path} finds in {@code json} (maps, lists, strings, numbers, booleans): one
   * for a path naming one field, all that match for a path with {@code [*]}, a filter or {@code
   * ..}; none for a missing field.
   */
  static List<Object> values(JsonPath path, Object json) {
    Object found = path.read(json, PATHS);
    if (path.isDefinite()) {
      return found == null ? List.of() : Collections.singletonList(found);
    }
    return found instanceof List<?> list ? new ArrayList<>(list) : List.of();
  }

  /** One value as text: a string as it is, an object or a list as one line of JSON. */
  static String text(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      return Json.line(value);
    }
    return String.valueOf(value);
  }

  /**
   * Fills the template from {@code json}: the API's JSON as maps, lists and values ({@link
   * Json#tree}).
   */
  public String apply(Object json) {
    StringBuilder out = new StringBuilder();
    write(parts, json, out);
    return out.toString();
  }

  private static void write(List<Part> parts, Object json, StringBuilder out) {
    for (Part part : parts) {
      if (part instanceof Text t) {
        out.append(t.text());
      } else if (part instanceof Path p) {
        out.append(
            values(p.path(), json).stream()
                .map(JsonPathTemplate::text)
                .collect(Collectors.joining(" ")));
      } else if (part instanceof Range r) {
        for (Object value : rangeOver(r.path(), json)) {
          write(r.body(), value, out);
        }
      }
    }
  }

  /**
   * What {@code range} walks: the values a path finds, or the elements of the one list it names.
   */
  private static List<Object> rangeOver(JsonPath path, Object json) {
    List<Object> values = values(path, json);
    if (path.isDefinite() && values.size() == 1 && values.get(0) instanceof List<?> list) {
      return new ArrayList<>(list);
    }
    return values;
  }

  /**
   * The index of the brace that closes the one at {@code open}, skipping quoted text; -1 if none.
   */
  private static int closingBrace(String s, int open) {
    char quote = 0;
    for (int i = open + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '}') {
        return i;
      }
    }
    return -1;
  }

  private static String quoted(String inside) {
    if (inside.length() < 2 || !inside.endsWith("\"")) {
      throw new IllegalArgumentException("unclosed quote in jsonpath: {" + inside + "}");
    }
    StringBuilder b = new StringBuilder();
    for (int i = 1; i < inside.length() - 1; i++) {
      char c = inside.charAt(i);
      if (c == '\\' && i + 1 < inside.length() - 1) {
        char next = inside.charAt(++i);
        b.append(
            switch (next) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'r' -> '\r';
              default -> next;
            });
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
