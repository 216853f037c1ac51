package dev.jobkit.server.store;

import dev.jobkit.sdk.jobs.EventKind;

/**
 * A change of a job's name or visibility, as its event records it: the kind, the values before and
 * after, and a sentence saying so. The names in the sentence are quoted with every quote, backslash
 * and control or format character escaped, so a name cannot end the sentence or start a line of its
 * own.
 */
record FieldChange(EventKind kind, String oldValue, String newValue) {

  /** {@code renamed from "a" to "b"}, {@code accessibility changed from PRIVATE to PUBLIC}. */
  String reason() {
    return switch (kind) {
      case RENAMED -> "renamed from " + quoted(oldValue) + " to " + quoted(newValue);
      case ACCESSIBILITY_CHANGED -> "accessibility changed from " + oldValue + " to " + newValue;
      case TRANSITION, ACKNOWLEDGED, TERMINAL_OPENED, TERMINAL_CLOSED ->
          throw new IllegalStateException("a " + kind.wireName() + " is not a field change");
    };
  }

  static String quoted(String text) {
    StringBuilder out = new StringBuilder("\"");
    text.codePoints()
        .forEach(
            c -> {
              if (c == '"' || c == '\\') {
                out.append('\\').appendCodePoint(c);
              } else if (Character.isISOControl(c)
                  || Character.getType(c) == Character.FORMAT
                  || Character.getType(c) == Character.LINE_SEPARATOR
                  || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
                  || Character.getType(c) == Character.SURROGATE) {
                out.append(String.format("\\u%04X", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.append('"').toString();
  }
}
