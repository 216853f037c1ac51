package dev.jobkit.shell.render;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jline.utils.WCWidth;

/**
 * One record shown field by field, {@code key value}, the values in a column of their own to the
 * right of the longest key ({@code job get}).
 *
 * <p>On a terminal a value longer than the room it has wraps: at a space where it has one, within a
 * word where it has none, each further line indented under the value, so no line is wider than the
 * terminal and nothing of a command, a reason or an error is lost; colour goes on across the break.
 * A line break inside a value starts a line of its own there too. Without a terminal (width 0: a
 * pipe, a file) each value is printed as it is, on one line, as scripts have always read it.
 */
public final class Fields {

  private static final int GAP = 2;

  /** The least room a value keeps: below it, the lines are cut at the width instead. */
  private static final int LEAST_ROOM = 10;

  private final Map<String, String> fields = new LinkedHashMap<>();

  /**
   * Adds the field {@code key}; its value may carry colour and line breaks; other control
   * characters are shown ({@link Text}).
   */
  public Fields put(String key, String value) {
    fields.put(key, Text.safe(value, true)); // shown, not sent: see Text
    return this;
  }

  /** The fields as lines for a terminal {@code width} columns wide (0 or less: no terminal). */
  public List<String> lines(Style style, int width) {
    int keys = fields.keySet().stream().mapToInt(Table::columns).max().orElse(0);
    int room = width - keys - GAP;
    List<String> lines = new ArrayList<>();
    fields.forEach(
        (key, value) -> {
          String head = style.bold(key) + " ".repeat(keys - Table.columns(key) + GAP);
          if (width <= 0) {
            lines.add(head + value);
            return;
          }
          List<String> parts =
              room >= LEAST_ROOM ? wrap(value, room) : List.of(value.replaceAll("[\\r\\n]+", " "));
          String indent = " ".repeat(keys + GAP);
          for (int i = 0; i < parts.size(); i++) {
            String line = (i == 0 ? head : indent) + parts.get(i);
            lines.add(Table.columns(line) > width ? Table.cut(line, width, "…") : line);
          }
        });
    return lines;
  }

  /** Prints the fields for a terminal {@code width} columns wide (0 or less: no terminal). */
  public void print(PrintWriter out, Style style, int width) {
    lines(style, width).forEach(out::println);
  }

  /**
   * {@code text} in lines of at most {@code room} columns: broken at spaces (each break's space
   * dropped), a word longer than the room split within it, a line break kept as one. An escape
   * sequence left open at a break is closed at the end of its line and opened again on the next.
   */
  static List<String> wrap(String text, int room) {
    List<String> lines = new ArrayList<>();
    for (String paragraph : text.replace("\r\n", "\n").split("[\\r\\n]", -1)) {
      StringBuilder line = new StringBuilder();
      int used = 0;
      for (String word : paragraph.replace('\t', ' ').split(" ", -1)) {
        int w = Table.columns(word);
        if (used > 0 && used + 1 + w <= room) {
          line.append(' ').append(word);
          used += 1 + w;
          continue;
        }
        if (used > 0) {
          lines.add(line.toString());
          line.setLength(0);
          used = 0;
        }
        List<String> pieces = split(word, room);
        for (int i = 0; i < pieces.size() - 1; i++) {
          lines.add(pieces.get(i));
        }
        String last = pieces.get(pieces.size() - 1);
        line.append(last);
        used = Table.columns(last);
      }
      lines.add(line.toString());
    }
    return carryColour(lines);
  }

  /** {@code word} in pieces of at most {@code room} columns (one, empty, for an empty word). */
  private static List<String> split(String word, int room) {
    List<String> pieces = new ArrayList<>();
    StringBuilder piece = new StringBuilder();
    int used = 0;
    for (int i = 0; i < word.length(); ) {
      int escape = Table.escapeLength(word, i);
      if (escape > 0) {
        piece.append(word, i, i + escape);
        i += escape;
        continue;
      }
      int cp = word.codePointAt(i);
      int w = Math.max(0, WCWidth.wcwidth(cp));
      if (used + w > room && used > 0) {
        pieces.add(piece.toString());
        piece.setLength(0);
        used = 0;
      }
      piece.appendCodePoint(cp);
      used += w;
      i += Character.charCount(cp);
    }
    pieces.add(piece.toString());
    return pieces;
  }

  private static List<String> carryColour(List<String> lines) {
    List<String> carried = new ArrayList<>();
    String open = "";
    for (String line : lines) {
      String shown = open + line;
      open = openEscape(shown);
      carried.add(open.isEmpty() ? shown : shown + "\u001B[0m");
    }
    return carried;
  }

  /** The last escape sequence of {@code s}, if it is not a reset; else empty. */
  private static String openEscape(String s) {
    String open = "";
    for (int i = 0; i < s.length(); ) {
      int escape = Table.escapeLength(s, i);
      if (escape > 0) {
        String e = s.substring(i, i + escape);
        open = e.equals("\u001B[0m") || e.equals("\u001B[m") ? "" : e;
        i += escape;
      } else {
        i++;
      }
    }
    return open;
  }
}
