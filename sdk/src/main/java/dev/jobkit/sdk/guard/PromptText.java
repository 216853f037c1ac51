package dev.jobkit.sdk.guard;

import java.time.Duration;
import java.time.Instant;

/**
 * Text that came from a job or a model, made safe to put in a sentence a person is asked to say yes
 * to: a display name must not be able to close its quotes, start a new line, reorder what is shown
 * (bidi overrides) or hide characters (zero-width ones), nor drown the question in length.
 *
 * <p>Every run of control characters, line or paragraph separators, format characters (bidi
 * embeddings, overrides and isolates, zero-width spaces and joiners, the byte-order mark), lone
 * surrogates, invisible fillers and whitespace becomes one space, and the ends are trimmed. Double
 * quotes and the characters that look like them become {@code '}, so a quoted name cannot end
 * before its closing quote. What remains is cut to at most {@value #MAX_CHARS} characters, the last
 * of them {@code …} when something was cut.
 *
 * <p>The one place this rule lives: the guarded actions' prompts use it, and so do the shell and
 * the agent tools wherever they show a name. Use it too when your own dialog shows the raw values
 * of a {@link Precheck}:
 *
 * <pre>{@code
 * dialog.ask("Stop " + PromptText.quoted(precheck.displayName()) + "?");
 * }</pre>
 */
public final class PromptText {

  /** The most characters a name takes in a prompt, the {@code …} of a cut included. */
  public static final int MAX_CHARS = 80;

  private PromptText() {}

  /**
   * {@code text} cleaned as {@link #clean} does and put in double quotes, so a name cannot pass for
   * part of the sentence around it.
   *
   * @param text a name from a job or a model, or null
   * @return the quoted name ({@code "resnet-sweep"}); {@code ""} (two quotes) for null
   */
  public static String quoted(String text) {
    return "\"" + clean(text) + "\"";
  }

  /**
   * {@code text} cleaned, without quotes, for values that cannot contain a space where they come
   * from (a user name, a job id) but are cleaned all the same.
   *
   * @param text a name from a job or a model, or null
   * @return the text with every run of invisible or line-breaking characters one space, the ends
   *     trimmed, double quotes and their look-alikes turned to {@code '}, and cut to {@value
   *     #MAX_CHARS} characters; empty for null
   */
  public static String clean(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    int kept = 0;
    boolean gap = false;
    for (int i = 0; i < text.length() && kept <= MAX_CHARS; ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (isGap(c)) {
        gap = true;
        continue;
      }
      if (gap && kept > 0) {
        out.append(' ');
        kept++;
      }
      gap = false;
      out.appendCodePoint(looksLikeDoubleQuote(c) ? '\'' : c);
      kept++;
    }
    if (kept <= MAX_CHARS) {
      return out.toString();
    }
    // Keep MAX_CHARS - 1 characters (code points, so no pair is split) and mark the cut.
    int end = out.offsetByCodePoints(0, MAX_CHARS - 1);
    return out.substring(0, end).stripTrailing() + "…";
  }

  /**
   * How long ago {@code then} was, seen at {@code now}, for a prompt.
   *
   * @param then the earlier instant, such as a job's submission
   * @param now the instant the prompt is shown
   * @return a short phrase: {@code just now}, {@code 42 s ago}, {@code 3 h ago}
   */
  public static String ago(Instant then, Instant now) {
    long seconds = Duration.between(then, now).getSeconds();
    if (seconds < 1) {
      return "just now";
    } else if (seconds < 60) {
      return seconds + " s ago";
    } else if (seconds < 3600) {
      return seconds / 60 + " min ago";
    } else if (seconds < 48 * 3600) {
      return seconds / 3600 + " h ago";
    }
    return seconds / 86400 + " d ago";
  }

  private static boolean isGap(int c) {
    switch (Character.getType(c)) {
      case Character.CONTROL,
      Character.FORMAT,
      Character.LINE_SEPARATOR,
      Character.PARAGRAPH_SEPARATOR,
      Character.SPACE_SEPARATOR,
      Character.SURROGATE:
        return true;
      default:
        // Letters by category, blank on screen: the Hangul fillers.
        return c == 0x115F
            || c == 0x1160
            || c == 0x3164
            || c == 0xFFA0
            || Character.isWhitespace(c);
    }
  }

  private static boolean looksLikeDoubleQuote(int c) {
    return switch (c) {
      case '"',
          0x201C,
          0x201D,
          0x201E,
          0x201F,
          0x2033,
          0x2036,
          0x275D,
          0x275E,
          0x301D,
          0x301E,
          0x301F,
          0xFF02,
          0x00AB,
          0x00BB ->
          true;
      default -> false;
    };
  }
}
