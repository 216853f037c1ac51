package dev.jobkit.shell.render;

/**
 * Text that others control (a job's name, tags and reasons, the paths of its results, a user's
 * name) made safe for a terminal: a control character is shown, never sent. An escape sequence from
 * a job could otherwise clear the screen, set the window title, move the cursor to overwrite what
 * the shell printed, or (on some terminals) answer back into the input. {@link Table} and {@link
 * Fields} pass every cell through it; the shell's own colour ({@code ESC [ … m}, what {@link Style}
 * writes) is kept.
 */
public final class Text {

  private Text() {}

  /**
   * {@code s} with each control character shown: C0 and DEL in caret notation ({@code ESC} as
   * {@code ^[}), C1 and the bidirectional overrides as {@code \u009b}; a tab, carriage return or
   * line feed as a space. Colour sequences ({@code ESC [ digits ; m}) stay.
   *
   * @param s the text, or null
   * @return the text to print; empty for null
   */
  public static String safe(String s) {
    return safe(s, false);
  }

  /** As {@link #safe(String)}, but line breaks and tabs stay (a value printed on several lines). */
  static String safe(String s, boolean keepLines) {
    if (s == null) {
      return "";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int escape = Table.escapeLength(s, i);
      if (escape > 0) {
        if (b != null) {
          b.append(s, i, i + escape);
        }
        i += escape - 1;
        continue;
      }
      String shown = shown(c, keepLines);
      if (shown == null) {
        if (b != null) {
          b.append(c);
        }
        continue;
      }
      if (b == null) {
        b = new StringBuilder(s.length() + 8).append(s, 0, i);
      }
      b.append(shown);
    }
    return b == null ? s : b.toString();
  }

  /** How {@code c} is shown, or null when it is printed as it is. */
  private static String shown(char c, boolean keepLines) {
    if (c == '\n' || c == '\r' || c == '\t') {
      return keepLines ? null : " ";
    }
    if (c < 0x20 || c == 0x7f) {
      return "^" + (char) (c ^ 0x40);
    }
    if ((c >= 0x80 && c < 0xa0) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
      return String.format("\\u%04x", (int) c);
    }
    return null;
  }
}
