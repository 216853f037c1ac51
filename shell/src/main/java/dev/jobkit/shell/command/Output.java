package dev.jobkit.shell.command;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.shell.render.CustomColumns;
import dev.jobkit.shell.render.Json;
import dev.jobkit.shell.render.JsonPathTemplate;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code -o} / {@code --output} asked {@code job list} and {@code job get} for, as kubectl's:
 * the table, {@code wide}, {@code json} ({@code --json} is the same), {@code name}, {@code
 * jsonpath=TEMPLATE} or {@code custom-columns=HEADER:PATH,...}. Read before the command calls the
 * service, so a wrong format or template is a usage error that sent nothing.
 */
final class Output {

  static final String FORMATS =
      "wide, json, name, jsonpath=TEMPLATE, custom-columns=HEADER:PATH,...";

  static final Opt OPTION =
      Opt.value("output", "FORMAT", FORMATS)
          .shortName('o')
          .completes(Completions.words("wide", "json", "name", "jsonpath=", "custom-columns="));

  private enum Kind {
    TABLE,
    WIDE,
    JSON,
    NAME,
    JSONPATH,
    CUSTOM_COLUMNS
  }

  private final Kind kind;
  private final JsonPathTemplate template;
  private final CustomColumns columns;

  private Output(Kind kind, JsonPathTemplate template, CustomColumns columns) {
    this.kind = kind;
    this.template = template;
    this.columns = columns;
  }

  /** What {@code in} asked for with {@code -o} or {@code --json}; the table if neither. */
  static Output of(Invocation in) {
    boolean json = in.flag("json");
    return in.string("output")
        .map(
            format -> {
              Output o = parse(format);
              if (json && o.kind != Kind.JSON) {
                throw new UsageException("give --json or -o " + format + ", not both");
              }
              return o;
            })
        .orElse(json ? new Output(Kind.JSON, null, null) : new Output(Kind.TABLE, null, null));
  }

  /**
   * The format {@code -o} names ({@code jsonpath} also as {@code jsonpath=...} with the template in
   * quotes, as shells leave it when the quotes are inside the word).
   *
   * @throws UsageException for a format there is none of, naming those there are, or a template or
   *     column list that does not parse
   */
  static Output parse(String format) {
    String f = format.strip();
    int eq = f.indexOf('=');
    String name = eq < 0 ? f : f.substring(0, eq);
    String argument = eq < 0 ? null : f.substring(eq + 1);
    try {
      switch (name) {
        case "wide", "json", "name" -> {
          if (argument != null) {
            throw new UsageException("-o " + name + " takes no '=...'");
          }
          return new Output(
              name.equals("wide") ? Kind.WIDE : name.equals("json") ? Kind.JSON : Kind.NAME,
              null,
              null);
        }
        case "jsonpath" -> {
          if (argument == null || argument.isBlank()) {
            throw new UsageException("-o jsonpath needs a template: -o jsonpath='{.items[*].id}'");
          }
          return new Output(Kind.JSONPATH, JsonPathTemplate.parse(unquoted(argument)), null);
        }
        case "custom-columns" -> {
          if (argument == null || argument.isBlank()) {
            throw new UsageException(
                "-o custom-columns needs columns: -o custom-columns=ID:.id,NAME:.display_name");
          }
          return new Output(Kind.CUSTOM_COLUMNS, null, CustomColumns.parse(argument));
        }
        default ->
            throw new UsageException(
                "unknown output format '" + format + "'; the formats are: " + FORMATS);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("-o " + name + ": " + e.getMessage());
    }
  }

  /** Whether it prints JSON (for commands that have only that and the table). */
  boolean isJson() {
    return kind == Kind.JSON;
  }

  /**
   * Prints jobs. For {@code jsonpath} the root is {@code {"items": [...]}}, as the API's page of
   * jobs and kubectl's lists are; {@code json} prints the list itself, as {@code --json} always
   * has.
   */
  void jobs(Renderer render, List<Job> jobs, Instant now) {
    switch (kind) {
      case TABLE -> render.jobs(jobs, now);
      case WIDE -> render.wideJobs(jobs, now);
      case JSON -> render.json(jobs);
      case NAME -> jobs.forEach(j -> render.text(j.id()));
      case JSONPATH -> render.text(template.apply(Json.tree(Map.of("items", jobs))));
      case CUSTOM_COLUMNS -> render.wholeTable(columns.table((List<?>) Json.tree(jobs)));
    }
  }

  /** Prints one job; {@code wide} is the wide table's one row, the table the job's fields. */
  void job(Renderer render, Job job) {
    switch (kind) {
      case TABLE -> render.job(job);
      case WIDE -> render.wideJobs(List.of(job), Instant.now());
      case JSON -> render.json(job);
      case NAME -> render.text(job.id());
      case JSONPATH -> render.text(template.apply(Json.tree(job)));
      case CUSTOM_COLUMNS -> render.wholeTable(columns.table(List.of(Json.tree(job))));
    }
  }

  /**
   * The template without the quotes around it, if a caller kept them ({@code jsonpath='{.id}'}).
   */
  private static String unquoted(String s) {
    String t = s.strip();
    if (t.length() >= 2
        && (t.charAt(0) == '\'' || t.charAt(0) == '"')
        && t.charAt(t.length() - 1) == t.charAt(0)) {
      return t.substring(1, t.length() - 1);
    }
    return t;
  }
}
