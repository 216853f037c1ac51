package dev.jobkit.shell.render;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table: a header and rows, columns as wide as their widest cell. */
public final class Table {

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  private Table(List<String> header) {
    this.header = header;
  }

  /** A table with these column names. */
  public static Table of(String... header) {
    return new Table(List.of(header));
  }

  /** Adds a row; cells may carry colour. */
  public Table row(String... cells) {
    List<String> row = new ArrayList<>();
    for (String cell : cells) {
      row.add(cell == null ? "" : cell);
    }
    rows.add(row);
    return this;
  }

  /** How many rows it has. */
  public int size() {
    return rows.size();
  }

  /** The table as lines. */
  public List<String> lines(Style style) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      widths[i] = header.get(i).length();
    }
    for (List<String> row : rows) {
      for (int i = 0; i < row.size() && i < widths.length; i++) {
        widths[i] = Math.max(widths[i], Style.visibleLength(row.get(i)));
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(style.bold(format(header, widths)));
    for (List<String> row : rows) {
      lines.add(format(row, widths));
    }
    return lines;
  }

  /** Prints the table. */
  public void print(PrintWriter out, Style style) {
    lines(style).forEach(out::println);
    out.flush();
  }

  private static String format(List<String> cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      b.append(cell);
      if (i < cells.size() - 1) {
        b.append(" ".repeat(Math.max(0, widths[i] - Style.visibleLength(cell)) + 2));
      }
    }
    return b.toString().stripTrailing();
  }
}
