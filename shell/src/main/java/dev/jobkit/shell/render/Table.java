package dev.jobkit.shell.render;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jline.utils.WCWidth;

/**
 * A plain text table: a header and rows, fitted to the width of the terminal it is printed on.
 *
 * <p>Columns are fixed (ids, statuses: as wide as their widest cell, always) or flexible (names,
 * reasons: they take what the fixed columns leave). On a terminal a flexible column grows to its
 * whole text when there is room and shrinks, its cells ending in an ellipsis, when there is not, so
 * no line wraps: {@code job watch} redraws its table by moving the cursor up by the number of lines
 * it printed, which only erases what it drew if none of them wrapped. When even the fixed columns
 * do not fit, each line is cut at the width. Without a terminal (width 0: a pipe, a file) the
 * output is the one scripts have always read: flexible cells cut at their own limit, if they have
 * one, whatever the width.
 */
public final class Table {

  private static final int GAP = 2;

  private final List<String> header;
  private final int[] plainLimit;
  private final List<List<String>> rows = new ArrayList<>();

  private Table(List<String> header) {
    this.header = header;
    this.plainLimit = new int[header.size()];
  }

  /** A table with these column names, all fixed. */
  public static Table of(String... header) {
    return new Table(List.of(header));
  }

  /**
   * Makes {@code column} flexible: it shrinks or grows with the terminal, and without a terminal
   * its cells are cut at {@code plainLimit} characters (ending in "...").
   */
  public Table flexible(String column, int plainLimit) {
    int i = header.indexOf(column);
    if (i < 0) {
      throw new IllegalArgumentException("no column " + column + " in " + header);
    }
    this.plainLimit[i] = plainLimit;
    return this;
  }

  /** Makes {@code column} flexible, with no limit without a terminal. */
  public Table flexible(String column) {
    return flexible(column, Integer.MAX_VALUE);
  }

  /** Adds a row; cells may carry colour; other control characters are shown ({@link Text}). */
  public Table row(String... cells) {
    List<String> row = new ArrayList<>();
    for (String cell : cells) {
      row.add(Text.safe(cell)); // no control sequence of a job's reaches the terminal
    }
    rows.add(row);
    return this;
  }

  /** How many rows it has. */
  public int size() {
    return rows.size();
  }

  /**
   * The table as lines for a terminal {@code width} columns wide (0 or less: no terminal).
   *
   * <p>On a terminal each line is at most {@code width} columns as shown.
   */
  public List<String> lines(Style style, int width) {
    return width > 0 ? fitted(style, width) : plain(style);
  }

  /**
   * The table as lines for a terminal {@code width} columns wide, in at most {@code maxLines}
   * lines: when its rows do not all fit under the header, the first ones that do and a last line
   * {@code … and N more}. The columns are fitted to the rows shown. At least the header and that
   * last line are returned, whatever {@code maxLines}.
   */
  public List<String> lines(Style style, int width, int maxLines) {
    int shown = rowsThatFit(rows.size(), maxLines);
    if (shown == rows.size()) {
      return lines(style, width);
    }
    Table first = new Table(header);
    System.arraycopy(plainLimit, 0, first.plainLimit, 0, plainLimit.length);
    first.rows.addAll(rows.subList(0, shown));
    List<String> lines = new ArrayList<>(first.lines(style, width));
    String more = "… and " + (rows.size() - shown) + " more";
    lines.add(style.dim(width > 0 && columns(more) > width ? cut(more, width, "…") : more));
    return lines;
  }

  /**
   * How many of {@code rows} rows {@link #lines(Style, int, int)} shows in {@code maxLines} lines:
   * all of them if they fit under the header, else as many as leave a line for {@code … and N
   * more}.
   */
  public static int rowsThatFit(int rows, int maxLines) {
    return rows + 1 <= maxLines ? rows : Math.max(0, maxLines - 2);
  }

  /** Prints the table for a terminal {@code width} columns wide (0 or less: no terminal). */
  public void print(PrintWriter out, Style style, int width) {
    lines(style, width).forEach(out::println);
    out.flush();
  }

  private List<String> plain(Style style) {
    List<List<String>> cut = new ArrayList<>();
    for (List<String> row : rows) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        int limit = i < plainLimit.length ? plainLimit[i] : 0;
        cells.add(limit > 0 && columns(cell) > limit ? cut(cell, limit, "...") : cell);
      }
      cut.add(cells);
    }
    return format(style, naturalWidths(cut), cut, 0);
  }

  private List<String> fitted(Style style, int width) {
    List<List<String>> clean = new ArrayList<>();
    for (List<String> row : rows) {
      // A line break inside a cell would be a line the redraw does not count.
      clean.add(row.stream().map(c -> c.replaceAll("[\\r\\n\\t]+", " ")).toList());
    }
    int[] widths = naturalWidths(clean);
    int room = width - GAP * (widths.length - 1);
    List<Integer> flexible = new ArrayList<>();
    for (int i = 0; i < widths.length; i++) {
      if (plainLimit[i] > 0) {
        flexible.add(i);
      } else {
        room -= widths[i];
      }
    }
    // Each flexible column keeps at least its header (or its text, if shorter); what is left is
    // shared out, the narrowest wants served first, so a short column never holds room it cannot
    // use while a long one is cut.
    int[] wanted = new int[widths.length];
    for (int i : flexible) {
      int least = Math.min(widths[i], columns(header.get(i)));
      wanted[i] = widths[i] - least;
      widths[i] = least;
      room -= least;
    }
    flexible.sort(Comparator.comparingInt(i -> wanted[i]));
    for (int k = 0; k < flexible.size(); k++) {
      int i = flexible.get(k);
      int share = Math.max(0, room) / (flexible.size() - k);
      int given = Math.min(wanted[i], share);
      widths[i] += given;
      room -= given;
    }
    List<List<String>> cut = new ArrayList<>();
    for (List<String> row : clean) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        cells.add(
            i < widths.length && columns(cell) > widths[i] ? cut(cell, widths[i], "…") : cell);
      }
      cut.add(cells);
    }
    return format(style, widths, cut, width);
  }

  private List<String> format(Style style, int[] widths, List<List<String>> cells, int width) {
    List<String> lines = new ArrayList<>();
    List<String> head = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i);
      head.add(width > 0 && columns(name) > widths[i] ? cut(name, widths[i], "…") : name);
    }
    lines.add(style.bold(line(head, widths, width)));
    for (List<String> row : cells) {
      lines.add(line(row, widths, width));
    }
    return lines;
  }

  private int[] naturalWidths(List<List<String>> cells) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      widths[i] = columns(header.get(i));
    }
    for (List<String> row : cells) {
      for (int i = 0; i < row.size() && i < widths.length; i++) {
        widths[i] = Math.max(widths[i], columns(row.get(i)));
      }
    }
    return widths;
  }

  private static String line(List<String> cells, int[] widths, int width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      b.append(cell);
      if (i < cells.size() - 1) {
        b.append(" ".repeat(Math.max(0, widths[i] - columns(cell)) + GAP));
      }
    }
    String line = b.toString().stripTrailing();
    return width > 0 && columns(line) > width ? cut(line, width, "…") : line;
  }

  /** How many terminal columns {@code s} takes (escape sequences take none, CJK two). */
  static int columns(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); ) {
      int escape = escapeLength(s, i);
      if (escape > 0) {
        i += escape;
        continue;
      }
      int cp = s.codePointAt(i);
      n += Math.max(0, WCWidth.wcwidth(cp));
      i += Character.charCount(cp);
    }
    return n;
  }

  /**
   * The first {@code max} columns of {@code s}, the last of them {@code ellipsis}; colour is kept
   * and, if any was cut off, switched off at the end.
   */
  static String cut(String s, int max, String ellipsis) {
    int room = max - columns(ellipsis);
    if (room < 0) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    boolean coloured = false;
    int n = 0;
    for (int i = 0; i < s.length(); ) {
      int escape = escapeLength(s, i);
      if (escape > 0) {
        b.append(s, i, i + escape);
        coloured = true;
        i += escape;
        continue;
      }
      int cp = s.codePointAt(i);
      int w = Math.max(0, WCWidth.wcwidth(cp));
      if (n + w > room) {
        break;
      }
      b.appendCodePoint(cp);
      n += w;
      i += Character.charCount(cp);
    }
    b.append(ellipsis);
    if (coloured) {
      b.append("\u001B[0m");
    }
    return b.toString();
  }

  /** The length of the colour escape ({@code ESC [ digits/; m}) at {@code i}, 0 if none. */
  static int escapeLength(String s, int i) {
    if (s.charAt(i) != '\u001B' || i + 1 >= s.length() || s.charAt(i + 1) != '[') {
      return 0;
    }
    int j = i + 2;
    while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == ';')) {
      j++;
    }
    return j < s.length() && s.charAt(j) == 'm' ? j + 1 - i : 0;
  }
}
