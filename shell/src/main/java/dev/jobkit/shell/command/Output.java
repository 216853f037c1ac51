package dev.jobkit.shell.command;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.shell.render.CustomColumns;
import dev.jobkit.shell.render.Json;
import dev.jobkit.shell.render.JsonPathTemplate;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What {@code -o} / {@code --output} asked for, as kubectl's: the table, {@code wide}, {@code json}
 * ({@code --json} is the same), {@code name}, {@code jsonpath=TEMPLATE} or {@code
 * custom-columns=HEADER:PATH,...}; each command takes those of them that mean something for what it
 * prints ({@code job list} and {@code job get} all, {@code job events} no {@code wide} or {@code
 * name}). Read before the command calls the service, so a wrong format or template is a usage error
 * that sent nothing.
 */
final class Output {

  /** A format of {@code -o}. */
  enum Format {
    WIDE("wide"),
    JSON("json"),
    NAME("name"),
    JSONPATH("jsonpath=TEMPLATE"),
    CUSTOM_COLUMNS("custom-columns=HEADER:PATH,...");

    private final String shown;

    Format(String shown) {
      this.shown = shown;
    }

    /** The word typed after {@code -o}. */
    String word() {
      int eq = shown.indexOf('=');
      return eq < 0 ? shown : shown.substring(0, eq);
    }
  }

  static final String FORMATS = shown(EnumSet.allOf(Format.class));

  /** The {@code -o} option of a command that takes every format. */
  static final Opt OPTION = option(Format.values());

  /** The {@code -o} option of a command that takes {@code formats}. */
  static Opt option(Format... formats) {
    Set<Format> set = EnumSet.copyOf(List.of(formats));
    return Opt.value("output", "FORMAT", shown(set))
        .shortName('o')
        .completes(
            Completions.words(
                set.stream()
                    .map(f -> f.shown.contains("=") ? f.word() + "=" : f.word())
                    .toArray(String[]::new)));
  }

  private static String shown(Set<Format> formats) {
    return formats.stream().map(f -> f.shown).collect(Collectors.joining(", "));
  }

  /** What was asked for; null for the table. */
  private final Format kind;

  private final String format;
  private final JsonPathTemplate template;
  private final CustomColumns columns;

  private Output(Format kind, String format, JsonPathTemplate template, CustomColumns columns) {
    this.kind = kind;
    this.format = format;
    this.template = template;
    this.columns = columns;
  }

  /** What {@code in} asked for with {@code -o} or {@code --json}; the table if neither. */
  static Output of(Invocation in) {
    return of(in, Format.values());
  }

  /**
   * What {@code in} asked for with {@code -o} or {@code --json}, one of {@code formats}; the table
   * if neither.
   *
   * @throws UsageException for a format the command does not take, naming those it does
   */
  static Output of(Invocation in, Format... formats) {
    boolean json = in.flag("json");
    Output output =
        in.string("output")
            .map(
                format -> {
                  Output o = parse(format);
                  if (json && o.kind != Format.JSON) {
                    throw new UsageException("give --json or -o " + format + ", not both");
                  }
                  return o;
                })
            .orElse(
                json
                    ? new Output(Format.JSON, "json", null, null)
                    : new Output(null, null, null, null));
    Set<Format> taken = EnumSet.copyOf(List.of(formats));
    if (output.kind != null && !taken.contains(output.kind)) {
      throw new UsageException(
          in.commandName()
              + " has no output format '"
              + output.format
              + "'; its formats are: "
              + shown(taken));
    }
    return output;
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
              name.equals("wide") ? Format.WIDE : name.equals("json") ? Format.JSON : Format.NAME,
              name,
              null,
              null);
        }
        case "jsonpath" -> {
          if (argument == null || argument.isBlank()) {
            throw new UsageException("-o jsonpath needs a template: -o jsonpath='{.items[*].id}'");
          }
          return new Output(
              Format.JSONPATH, name, JsonPathTemplate.parse(unquoted(argument)), null);
        }
        case "custom-columns" -> {
          if (argument == null || argument.isBlank()) {
            throw new UsageException(
                "-o custom-columns needs columns: -o custom-columns=ID:.id,NAME:.display_name");
          }
          return new Output(Format.CUSTOM_COLUMNS, name, null, CustomColumns.parse(argument));
        }
        default ->
            throw new UsageException(
                "unknown output format '" + format + "'; the formats are: " + FORMATS);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("-o " + name + ": " + e.getMessage());
    }
  }

  /** The format asked for ({@code json}, {@code jsonpath}, ...); empty for the table. */
  Optional<String> format() {
    return Optional.ofNullable(format);
  }

  /**
   * Prints jobs. For {@code jsonpath} the root is {@code {"items": [...]}}, as the API's page of
   * jobs and kubectl's lists are; {@code json} prints the list itself, as {@code --json} always
   * has.
   */
  void jobs(Renderer render, List<Job> jobs, Instant now) {
    if (kind == Format.WIDE) {
      render.wideJobs(jobs, now);
    } else {
      items(render, jobs, js -> render.jobs(js, now), Job::id);
    }
  }

  /**
   * Prints a list of anything the API returns (events, users) as jobs are printed: {@code table}
   * for the table, {@code name} each item's name for {@code -o name} (null where the command has
   * none), the rest from the API's JSON of the items.
   */
  <T> void items(
      Renderer render, List<T> items, Consumer<List<T>> table, Function<T, String> name) {
    if (kind == null) {
      table.accept(items);
      return;
    }
    switch (kind) {
      case JSON -> render.json(items);
      case NAME -> items.forEach(i -> render.text(name.apply(i)));
      case JSONPATH -> render.text(template.apply(Json.tree(Map.of("items", items))));
      case CUSTOM_COLUMNS -> render.wholeTable(columns.table((List<?>) Json.tree(items)));
      case WIDE -> throw new IllegalStateException("-o wide is refused by of() for " + items);
    }
  }

  /**
   * Prints one item the API returns (an app) as {@link #job} prints a job: {@code show} for the
   * table, {@code name} its name for {@code -o name}, the rest from its JSON.
   */
  <T> void one(Renderer render, T item, Consumer<T> show, Function<T, String> name) {
    if (kind == null) {
      show.accept(item);
      return;
    }
    switch (kind) {
      case JSON -> render.json(item);
      case NAME -> render.text(name.apply(item));
      case JSONPATH -> render.text(template.apply(Json.tree(item)));
      case CUSTOM_COLUMNS -> render.wholeTable(columns.table(List.of(Json.tree(item))));
      case WIDE -> throw new IllegalStateException("-o wide is refused by of() for " + item);
    }
  }

  /** Prints one job; {@code wide} is the wide table's one row, the table the job's fields. */
  void job(Renderer render, Job job) {
    if (kind == null) {
      render.job(job);
      return;
    }
    switch (kind) {
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
