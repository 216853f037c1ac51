package dev.jobkit.tools.executor;

import dev.jobkit.tools.registry.Outputs.UntrustedJobOutput;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Text a job wrote, made safe to hand to a model: cut to a budget and fenced between two lines
 * carrying a random marker, so that no line of the job's output can pose as the end of the fence or
 * as words of Jobkit or of the user.
 */
final class Untrusted {

  /** The most characters of a job's error message a result carries. */
  static final int ERROR_BUDGET = 2_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Untrusted() {}

  /**
   * Fences {@code text}, keeping its end (logs: the latest lines matter) or its start (errors: the
   * first line names the problem) within {@code budget} characters.
   */
  static UntrustedJobOutput fence(String text, int budget, boolean keepEnd, boolean alreadyCut) {
    String body = text == null ? "" : text;
    boolean cut = alreadyCut;
    if (body.length() > budget) {
      body = keepEnd ? body.substring(body.length() - budget) : body.substring(0, budget);
      cut = true;
    }
    byte[] nonce = new byte[8];
    RANDOM.nextBytes(nonce);
    String marker = HexFormat.of().formatHex(nonce);
    String fenced =
        "<<<untrusted-job-output "
            + marker
            + ">>>\n"
            + body
            + (body.endsWith("\n") || body.isEmpty() ? "" : "\n")
            + "<<<end-untrusted-job-output "
            + marker
            + ">>>";
    return new UntrustedJobOutput(true, marker, fenced, cut);
  }
}
