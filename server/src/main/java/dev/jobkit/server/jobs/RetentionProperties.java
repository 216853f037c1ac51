package dev.jobkit.server.jobs;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.boot.convert.DurationStyle;

/**
 * How long the results and logs of ended jobs are kept, under {@code jobkit.retention.*}. A limit
 * is {@code keep} (no limit) or a duration ({@code 30d}, {@code 12h}, {@code 90m}, {@code PT2H}),
 * counted from the job's {@code finished_at}. A job's limits are its owner's ({@code users.<name>})
 * and its app's ({@code apps.<name>}) when set, the shortest winning ({@code keep} being the
 * longest); {@code default} applies to a job for which neither is set. A value that is neither
 * {@code keep} nor a positive duration stops the service at start, naming the setting.
 *
 * @param defaultLimit {@code jobkit.retention.default}: the limit of a job neither of whose
 *     settings is set; {@code keep} unless set
 * @param users {@code jobkit.retention.users.<name>}: limits by owner
 * @param apps {@code jobkit.retention.apps.<name>}: limits by app
 * @param sweepInterval how often the sweep looks for jobs past their limit
 */
@ConfigurationProperties("jobkit.retention")
public record RetentionProperties(
    @Name("default") @DefaultValue("keep") String defaultLimit,
    Map<String, String> users,
    Map<String, String> apps,
    @DefaultValue("10m") Duration sweepInterval) {

  /** The value of a setting that means no limit. */
  public static final String KEEP = "keep";

  public RetentionProperties {
    users = users == null ? Map.of() : Map.copyOf(users);
    apps = apps == null ? Map.of() : Map.copyOf(apps);
    parse("jobkit.retention.default", defaultLimit);
    users.forEach((name, value) -> parse("jobkit.retention.users." + name, value));
    apps.forEach((name, value) -> parse("jobkit.retention.apps." + name, value));
    if (sweepInterval == null || sweepInterval.isNegative() || sweepInterval.isZero()) {
      throw new IllegalArgumentException(
          "jobkit.retention.sweep-interval must be a positive duration, not " + sweepInterval);
    }
  }

  /**
   * The limit of a job of {@code owner} run by {@code app} (null for none): empty to keep its
   * results.
   */
  public Optional<Duration> limitOf(String owner, String app) {
    String byUser = users.get(owner);
    String byApp = app == null ? null : apps.get(app);
    if (byUser == null && byApp == null) {
      return parse("jobkit.retention.default", defaultLimit);
    }
    Optional<Duration> user =
        byUser == null ? Optional.empty() : parse("jobkit.retention.users." + owner, byUser);
    Optional<Duration> ofApp =
        byApp == null ? Optional.empty() : parse("jobkit.retention.apps." + app, byApp);
    if (user.isPresent() && ofApp.isPresent()) {
      return Optional.of(user.get().compareTo(ofApp.get()) <= 0 ? user.get() : ofApp.get());
    }
    return user.isPresent() ? user : ofApp;
  }

  /** The shortest limit of any setting: no job's results go sooner. Empty when all keep. */
  public Optional<Duration> shortest() {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("jobkit.retention.default", defaultLimit);
    users.forEach((n, v) -> all.put("jobkit.retention.users." + n, v));
    apps.forEach((n, v) -> all.put("jobkit.retention.apps." + n, v));
    return all.entrySet().stream()
        .map(e -> parse(e.getKey(), e.getValue()))
        .flatMap(Optional::stream)
        .min(Duration::compareTo);
  }

  static Optional<Duration> parse(String setting, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          setting + " is empty: set it to keep or a duration such as 30d, 12h or 90m");
    }
    String v = value.strip();
    if (v.equalsIgnoreCase(KEEP)) {
      return Optional.empty();
    }
    Duration d;
    try {
      d = DurationStyle.detectAndParse(v);
    } catch (IllegalArgumentException e) {
      // Without the parser's exception as cause: the start failure shows the innermost message.
      throw new IllegalArgumentException(
          setting
              + " is '"
              + value
              + "': neither keep nor a duration such as 30d, 12h, 90m or PT2H");
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(
          setting + " is '" + value + "': a retention limit must be longer than zero, or keep");
    }
    return Optional.of(d);
  }
}
