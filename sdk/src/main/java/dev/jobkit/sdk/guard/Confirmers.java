package dev.jobkit.sdk.guard;

import dev.jobkit.sdk.JobkitException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The confirmers the SDK provides. */
public final class Confirmers {

  private Confirmers() {}

  /**
   * Says no to everything: risky actions pre-check and stop there.
   *
   * @return a confirmer whose every action ends {@code DECLINED}, for dry runs of a pre-check
   */
  public static Confirmer denyAll() {
    return precheck -> false;
  }

  /**
   * Says yes to everything, for trusted automation only: name it so in your code, since no person
   * sees what happens.
   *
   * @return a confirmer that lets every allowed action run without asking anyone
   */
  public static Confirmer assumeYes() {
    return precheck -> true;
  }

  /**
   * Asks at the terminal: prints the prompt and goes ahead only on a typed {@code yes}.
   *
   * @return a confirmer that asks at the terminal; when there is none (input or output redirected),
   *     it throws instead of answering, so nothing is done and the caller learns why rather than
   *     reading a bare {@code DECLINED}
   */
  public static Confirmer console() {
    return precheck -> {
      Console console = System.console();
      if (console == null) {
        throw new JobkitException(
            "Confirmers.console() cannot ask: there is no terminal (input or output is"
                + " redirected), so nothing was done. Run at a terminal, or choose another"
                + " Confirmer, such as Confirmers.streams(in, out)",
            null);
      }
      String answer = console.readLine("%s ", precheck.prompt());
      return answer != null && answer.strip().toLowerCase(Locale.ROOT).equals("yes");
    };
  }

  /**
   * Asks on the given streams (for programs that own their input and output): prints the prompt to
   * {@code out} and reads one line from {@code in}.
   *
   * @param in where the answer is read from, one line per question; read as UTF-8
   * @param out where the question is printed
   * @return a confirmer that goes ahead only on a line reading {@code yes} (any case, blanks around
   *     it ignored); the end of {@code in} is a no, and a failed read throws {@link
   *     UncheckedIOException}
   */
  public static Confirmer streams(java.io.InputStream in, PrintStream out) {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    return precheck -> {
      out.print(precheck.prompt() + " ");
      out.flush();
      try {
        String answer = reader.readLine();
        return answer != null && answer.strip().toLowerCase(Locale.ROOT).equals("yes");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
