package dev.jobkit.tools.executor;

import dev.jobkit.tools.registry.Schemas;

/**
 * Code a model wrote (a script, a command's arguments, an environment value), shown to a person
 * exactly: written as a JSON string literal, so a quote in it cannot end the quotation, a line
 * break shows as {@code \n} instead of starting a line of its own, and no control, format or bidi
 * character reaches the screen unescaped. Names are quoted the SDK's way instead ({@code
 * PromptText.quoted}: cut to 80 characters, breaks and controls replaced), since a person reads a
 * name but must see code as it is.
 */
final class Quoted {

  private Quoted() {}

  /** {@code text} cut to {@code max} characters (with "…" when cut) and quoted. */
  static String of(String text, int max) {
    String body = text == null ? "" : text;
    if (body.length() > max) {
      body = body.substring(0, Math.max(0, max - 1)) + "…";
    }
    String json = Schemas.JSON.writeValueAsString(body);
    StringBuilder out = new StringBuilder(json.length());
    json.codePoints()
        .forEach(
            c -> {
              int type = Character.getType(c);
              if (type == Character.FORMAT
                  || type == Character.LINE_SEPARATOR
                  || type == Character.PARAGRAPH_SEPARATOR
                  || type == Character.CONTROL
                  || type == Character.PRIVATE_USE
                  || type == Character.UNASSIGNED) {
                for (char unit : Character.toChars(c)) {
                  out.append(String.format("\\u%04x", (int) unit));
                }
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
