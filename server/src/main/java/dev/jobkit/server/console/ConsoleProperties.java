package dev.jobkit.server.console;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The web console's settings, under {@code jobkit.console.*}.
 *
 * @param terminalTtl how long a web terminal's single-use ticket opens the terminal after it was
 *     asked for ({@code jobkit.console.terminal-ttl}, 60 s unless set)
 */
@ConfigurationProperties("jobkit.console")
public record ConsoleProperties(@DefaultValue("60s") Duration terminalTtl) {

  public ConsoleProperties {
    if (terminalTtl.isNegative() || terminalTtl.isZero()) {
      throw new IllegalStateException(
          "jobkit.console.terminal-ttl must be a positive duration, not " + terminalTtl);
    }
  }
}
