package dev.jobkit.shell.render;

import com.jayway.jsonpath.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * kubectl's {@code -o custom-columns=ID:.id,NAME:.display_name}: a table whose columns are a header
 * and a path read from each item (the paths {@link JsonPathTemplate} reads, without braces). A path
 * finding several values shows them separated by commas; one finding none shows {@code <none>}, as
 * kubectl does.
 */
public final class CustomColumns {

  private record Column(String header, JsonPath path) {}

  private final List<Column> columns;

  private CustomColumns(List<Column> columns) {
    this.columns = columns;
  }

  /**
   * Parses {@code HEADER:PATH,HEADER:PATH...}; a comma inside brackets ({@code .tags['a','b']})
   * belongs to its path.
   *
   * @throws IllegalArgumentException with a sentence saying what is wrong
   */
  public static CustomColumns parse(String spec) {
    List<Column> columns = new ArrayList<>();
    for (String column : split(spec)) {
      int colon = column.indexOf(':');
      if (colon <= 0 || colon == column.length() - 1) {
        throw new IllegalArgumentException(
            "custom-columns takes HEADER:PATH,... (ID:.id,NAME:.display_name), not '"
                + column
                + "'");
      }
      columns.add(
          new Column(
              column.substring(0, colon).strip(),
              JsonPathTemplate.path(unbraced(column.substring(colon + 1).strip()))));
    }
    if (columns.isEmpty()) {
      throw new IllegalArgumentException(
          "custom-columns needs at least one HEADER:PATH (ID:.id,NAME:.display_name)");
    }
    return new CustomColumns(List.copyOf(columns));
  }

  /** The column headers, in order. */
  public List<String> headers() {
    return columns.stream().map(Column::header).toList();
  }

  /**
   * A table of {@code items} (each the API's JSON as maps, lists and values, {@link Json#tree}),
   * one row each.
   */
  public Table table(List<?> items) {
    Table t = Table.of(headers().toArray(String[]::new));
    for (Object item : items) {
      t.row(columns.stream().map(c -> cell(c.path(), item)).toArray(String[]::new));
    }
    return t;
  }

  private static String cell(JsonPath path, Object item) {
    List<Object> values = JsonPathTemplate.values(path, item);
    if (values.isEmpty() || values.stream().allMatch(v -> v == null)) {
      return "<none>";
    }
    return values.stream().map(JsonPathTemplate::text).collect(Collectors.joining(","));
  }

  /** kubectl accepts {@code ID:{.id}} as well as {@code ID:.id}. */
  private static String unbraced(String path) {
    return path.startsWith("{") && path.endsWith("}") ? path.substring(1, path.length() - 1) : path;
  }

  private static List<String> split(String spec) {
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    int depth = 0;
    char quote = 0;
    for (char c : spec.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '[' || c == '(') {
        depth++;
      } else if (c == ']' || c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(part.toString());
        part.setLength(0);
        continue;
      }
      part.append(c);
    }
    parts.add(part.toString());
    return parts.stream().filter(p -> !p.isBlank()).toList();
  }
}
