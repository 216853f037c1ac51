package dev.jobkit.shell.command;

import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.data.Dataset;
import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.data.Result;
import dev.jobkit.sdk.data.StoredFile;
import dev.jobkit.shell.render.Json;
import dev.jobkit.shell.render.Table;
import dev.jobkit.shell.render.Times;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.shell.core.command.completion.CompletionProposal;

/**
 * The {@code dataset}, {@code model} and {@code result} commands: add, read and delete datasets;
 * read the models and results the {@code train} and {@code predict} apps made. {@code dataset
 * delete} asks first, as {@code app delete} does: pre-check, question, delete, verify.
 */
final class DataCommands {

  static final String GROUP = "Data";

  private static final Output.Format[] FORMATS = {
    Output.Format.JSON, Output.Format.NAME, Output.Format.JSONPATH, Output.Format.CUSTOM_COLUMNS
  };

  private static final Opt OUTPUT = Output.option(FORMATS);

  private static final Opt JOB = Opt.value("job", "ID", "only those this job made");

  private DataCommands() {}

  static List<JobkitCommand> all(Session session) {
    List<JobkitCommand> commands = new ArrayList<>();
    commands.add(
        JobkitCommand.named("dataset upload", session)
            .group(GROUP)
            .description("Upload a file (a CSV) as a dataset; the service keeps its bytes")
            .option(Opt.value("name", "NAME", "the dataset's name (default: the file's name)"))
            .option(JobCommands.JSON)
            .arguments("FILE", null)
            .examples(
                """
                  dataset upload genes.csv
                  dataset upload ./data/train.csv --name "genes, March"\
                """)
            .action(DataCommands::upload));
    commands.add(
        JobkitCommand.named("dataset register", session)
            .group(GROUP)
            .description("Record a file under one of the service's dataset roots, in place")
            .option(Opt.value("name", "NAME", "the dataset's name (default: the file's name)"))
            .option(JobCommands.JSON)
            .arguments("PATH", null)
            .examples(
                """
                  dataset register /srv/data/genes.csv\
                """)
            .action(DataCommands::register));
    commands.add(
        JobkitCommand.named("dataset list", session)
            .group(GROUP)
            .description("List your datasets (an admin: everyone's), newest first")
            .option(JobCommands.JSON)
            .option(OUTPUT)
            .action(
                in -> {
                  Output output = Output.of(in, FORMATS);
                  List<Dataset> datasets = in.client().datasets().list();
                  output.items(in.render(), datasets, ds -> datasets(in, ds), Dataset::id);
                  return Exits.OK;
                }));
    commands.add(
        JobkitCommand.named("dataset get", session)
            .group(GROUP)
            .description("Show a dataset: its size, SHA-256 and shape")
            .option(JobCommands.JSON)
            .option(OUTPUT)
            .arguments("ID", Completions.datasetIds())
            .action(
                in -> {
                  Output output = Output.of(in, FORMATS);
                  Dataset dataset = dataset(in, in.argument("a dataset id"));
                  output.one(in.render(), dataset, d -> show(in, d), Dataset::id);
                  return Exits.OK;
                }));
    commands.add(
        JobkitCommand.named("dataset download", session)
            .group(GROUP)
            .description("Write a dataset's bytes to a file, checked against its SHA-256")
            .argumentsByPosition("ID FILE", Arrays.asList(Completions.datasetIds(), null))
            .examples(
                """
                  dataset download ds_01jc… genes.csv\
                """)
            .action(DataCommands::download));
    commands.add(
        JobkitCommand.named("dataset delete", session)
            .group(GROUP)
            .description("Delete a dataset (and an upload's bytes; a registered file stays)")
            .option(Opt.flag("yes", "do not ask; for scripts").shortName('y'))
            .arguments("ID", Completions.datasetIds())
            .action(DataCommands::delete));
    commands.addAll(
        records(
            session,
            new Records<>(
                "model",
                "List the models train jobs made (yours; an admin: everyone's)",
                "Show a model: its job, files with checksums, metrics and parameters",
                Completions.modelIds(),
                (in, job) ->
                    job == null ? in.client().models().list() : in.client().models().list(job),
                (in, id) -> in.client().models().get(id),
                DataCommands::models,
                (in, m) ->
                    show(
                        in,
                        "model " + m.id(),
                        m.jobId(),
                        m.app(),
                        null,
                        m.files(),
                        m.metrics(),
                        m.parameters(),
                        m.owner(),
                        m.createdAt()),
                Model::id)));
    commands.addAll(
        records(
            session,
            new Records<>(
                "result",
                "List the results predict jobs made (yours; an admin: everyone's)",
                "Show a result: its job, model, files with checksums and metrics",
                Completions.resultIds(),
                (in, job) ->
                    job == null ? in.client().results().list() : in.client().results().list(job),
                (in, id) -> in.client().results().get(id),
                DataCommands::results,
                (in, r) ->
                    show(
                        in,
                        "result " + r.id(),
                        r.jobId(),
                        r.app(),
                        r.modelId(),
                        r.files(),
                        r.metrics(),
                        r.parameters(),
                        r.owner(),
                        r.createdAt()),
                Result::id)));
    return commands;
  }

  /**
   * The read-only records of one kind ({@code model}, {@code result}) that {@code KIND list} and
   * {@code KIND get ID} show.
   *
   * @param kind the word in the commands and messages
   * @param listDescription what {@code KIND list} does
   * @param getDescription what {@code KIND get} does
   * @param ids what completes an id
   * @param list the records, or one job's when the job is not null
   * @param get one record by id
   * @param table the records as a table
   * @param show one record field by field
   * @param id a record's id
   * @param <T> the record's type
   */
  private record Records<T>(
      String kind,
      String listDescription,
      String getDescription,
      Function<Session, List<CompletionProposal>> ids,
      BiFunction<Invocation, String, List<T>> list,
      BiFunction<Invocation, String, T> get,
      BiConsumer<Invocation, List<T>> table,
      BiConsumer<Invocation, T> show,
      Function<T, String> id) {}

  /** {@code KIND list [--job ID]} and {@code KIND get ID} of one kind of record. */
  private static <T> List<JobkitCommand> records(Session session, Records<T> kind) {
    return List.of(
        JobkitCommand.named(kind.kind() + " list", session)
            .group(GROUP)
            .description(kind.listDescription())
            .option(JOB)
            .option(JobCommands.JSON)
            .option(OUTPUT)
            .action(
                in -> {
                  Output output = Output.of(in, FORMATS);
                  List<T> records = kind.list().apply(in, in.string("job").orElse(null));
                  output.items(in.render(), records, rs -> kind.table().accept(in, rs), kind.id());
                  return Exits.OK;
                }),
        JobkitCommand.named(kind.kind() + " get", session)
            .group(GROUP)
            .description(kind.getDescription())
            .option(JobCommands.JSON)
            .option(OUTPUT)
            .arguments("ID", kind.ids())
            .action(
                in -> {
                  Output output = Output.of(in, FORMATS);
                  String id = in.argument("a " + kind.kind() + " id");
                  T record = found(() -> kind.get().apply(in, id), kind.kind(), id);
                  output.one(in.render(), record, r -> kind.show().accept(in, r), kind.id());
                  return Exits.OK;
                }));
  }

  private static int upload(Invocation in) {
    String file = in.argument("a file to upload");
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new UsageException(
          "no file '"
              + file
              + "' here"
              + (path.isAbsolute()
                  ? "; to record a file on the service's machine in place, type 'dataset register "
                      + file
                      + "'"
                  : ""));
    }
    Dataset dataset =
        named(
            () ->
                in.string("name")
                    .map(name -> in.client().datasets().upload(name, path))
                    .orElseGet(() -> in.client().datasets().upload(path)),
            file);
    return added(in, "uploaded", dataset);
  }

  private static int register(Invocation in) {
    String path = in.argument("the file's absolute path on the service's machine");
    if (!path.startsWith("/")) {
      throw new UsageException(
          "PATH is read by the service, on its machine, so it must be absolute, not '"
              + path
              + "'; to send a file from here, type 'dataset upload "
              + path
              + "'");
    }
    Dataset dataset =
        named(() -> in.client().datasets().register(in.string("name").orElse(null), path), path);
    return added(in, "registered", dataset);
  }

  /** What {@code add} added; the service's field errors named as typed here. */
  private static Dataset named(Supplier<Dataset> add, String file) {
    try {
      return add.get();
    } catch (ValidationException v) {
      throw AppCommands.fieldErrors(
          v,
          field ->
              switch (field) {
                case "name" -> "--name";
                case "path" -> "PATH";
                case "body" -> file;
                default -> field;
              });
    }
  }

  private static int download(Invocation in) {
    List<String> args = in.arguments();
    if (args.size() != 2) {
      throw new UsageException(
          "dataset download takes a dataset id and the file to write, such as 'dataset download"
              + " ds_01jc… genes.csv'");
    }
    String id = args.get(0);
    Path target = Path.of(args.get(1));
    if (Files.isDirectory(target)) {
      throw new UsageException(
          "'" + target + "' is a directory; name the file to write, such as " + target.resolve(id));
    }
    Dataset dataset = found(() -> in.client().datasets().download(id, target), "dataset", id);
    in.out()
        .println(
            "wrote "
                + target
                + ": "
                + describe(dataset)
                + ", sha256 "
                + dataset.sha256()
                + " as recorded");
    return Exits.OK;
  }

  private static int added(Invocation in, String verb, Dataset dataset) {
    if (in.flag("json")) {
      in.render().json(dataset);
    } else {
      in.out()
          .println(
              verb
                  + " dataset "
                  + in.style().bold(dataset.id())
                  + " '"
                  + dataset.name()
                  + "': "
                  + describe(dataset)
                  + ", sha256 "
                  + dataset.sha256());
    }
    return Exits.OK;
  }

  /** {@code 24 bytes, 3 rows × 3 columns}; the shape only when it reads as CSV. */
  private static String describe(Dataset d) {
    return d.sizeBytes()
        + (d.sizeBytes() == 1 ? " byte" : " bytes")
        + (d.rows() == null ? "" : ", " + d.rows() + " rows × " + d.columns() + " columns");
  }

  /** The dataset, or a not-found that says how to see which there are. */
  private static Dataset dataset(Invocation in, String id) {
    return found(() -> in.client().datasets().get(id), "dataset", id);
  }

  private static <T> T found(Supplier<T> read, String kind, String id) {
    try {
      return read.get();
    } catch (NotFoundException missing) {
      throw new MissingException(
          "there is no " + kind + " " + id + " that you may see; '" + kind + " list' shows yours");
    }
  }

  /** The datasets' table: ID NAME SOURCE SIZE SHAPE CREATED. */
  private static void datasets(Invocation in, List<Dataset> datasets) {
    if (datasets.isEmpty()) {
      in.render().note("no datasets; add one with 'dataset upload FILE'");
      return;
    }
    Table t = Table.of("ID", "NAME", "SOURCE", "SIZE", "SHAPE", "CREATED").flexible("NAME");
    Instant now = Instant.now();
    datasets.forEach(
        d ->
            t.row(
                d.id(),
                d.name(),
                d.source(),
                String.valueOf(d.sizeBytes()),
                d.rows() == null ? "" : d.rows() + "×" + d.columns(),
                Times.relative(d.createdAt(), now)));
    t.print(in.out(), in.style(), in.width());
  }

  private static void show(Invocation in, Dataset d) {
    PrintWriter out = in.out();
    out.println(in.style().bold(d.id()) + " '" + d.name() + "'");
    out.println("source   " + d.source() + (d.path() == null ? "" : " " + d.path()));
    out.println("size     " + describe(d));
    out.println("sha256   " + d.sha256());
    out.println("created  " + Times.absolute(d.createdAt()) + " by " + d.owner());
  }

  /** The models' table: ID JOB APP FILES METRICS CREATED. */
  private static void models(Invocation in, List<Model> models) {
    if (models.isEmpty()) {
      in.render().note("no models; a job of the train app makes one when it succeeds");
      return;
    }
    Table t = Table.of("ID", "JOB", "APP", "FILES", "METRICS", "CREATED").flexible("METRICS");
    Instant now = Instant.now();
    models.forEach(
        m ->
            t.row(
                m.id(),
                m.jobId(),
                m.app(),
                String.valueOf(m.files().size()),
                metrics(m.metrics()),
                Times.relative(m.createdAt(), now)));
    t.print(in.out(), in.style(), in.width());
  }

  /** The results' table: ID JOB MODEL FILES CREATED. */
  private static void results(Invocation in, List<Result> results) {
    if (results.isEmpty()) {
      in.render().note("no results; a job of the predict app makes one when it succeeds");
      return;
    }
    Table t = Table.of("ID", "JOB", "MODEL", "FILES", "CREATED").flexible("MODEL");
    Instant now = Instant.now();
    results.forEach(
        r ->
            t.row(
                r.id(),
                r.jobId(),
                r.modelId() == null ? "" : r.modelId(),
                String.valueOf(r.files().size()),
                Times.relative(r.createdAt(), now)));
    t.print(in.out(), in.style(), in.width());
  }

  private static String metrics(Map<String, Object> metrics) {
    return metrics.isEmpty() ? "" : Json.line(metrics);
  }

  /** A model or a result, field by field. */
  private static void show(
      Invocation in,
      String title,
      String jobId,
      String app,
      String modelId,
      List<StoredFile> files,
      Map<String, Object> metrics,
      Map<String, Object> parameters,
      String owner,
      Instant createdAt) {
    PrintWriter out = in.out();
    out.println(in.style().bold(title));
    out.println("job         " + jobId + " (app " + app + ")");
    if (modelId != null) {
      out.println("model       " + modelId);
    }
    out.println("metrics     " + (metrics.isEmpty() ? "(none)" : Json.line(metrics)));
    out.println("parameters  " + (parameters.isEmpty() ? "(none)" : Json.line(parameters)));
    out.println("created     " + Times.absolute(createdAt) + " by " + owner);
    out.println("files");
    if (files.isEmpty()) {
      out.println(in.style().dim("  (none)"));
    }
    // Aligned columns: the names, then the sizes right-aligned, then the checksums.
    int nameWidth = files.stream().mapToInt(f -> f.path().length()).max().orElse(0);
    int sizeWidth =
        files.stream().mapToInt(f -> String.valueOf(f.sizeBytes()).length()).max().orElse(0);
    files.forEach(
        f ->
            out.println(
                String.format(
                    java.util.Locale.ROOT,
                    "  %-" + nameWidth + "s  %" + sizeWidth + "d bytes  sha256 %s",
                    f.path(),
                    f.sizeBytes(),
                    f.sha256())));
  }

  /**
   * Deletes a dataset as {@code app delete} deletes an app: the pre-check reads it (none: {@code
   * NOT_FOUND}, nothing asked), the question says what goes and what stays, a yes deletes it, and
   * the delete is verified by the dataset's being gone.
   */
  private static int delete(Invocation in) {
    String id = in.argument("a dataset id");
    return new RecordDelete<Dataset>(
            "dataset " + id,
            () -> in.client().datasets().get(id),
            () -> in.client().datasets().delete(id))
        .run(
            in,
            "there is no dataset "
                + id
                + " that you may see ('dataset list' shows yours); nothing was done",
            dataset ->
                "Dataset "
                    + id
                    + " '"
                    + dataset.name()
                    + "' ("
                    + describe(dataset)
                    + ", added "
                    + Times.relative(dataset.createdAt(), Instant.now())
                    + " by '"
                    + dataset.owner()
                    + "') will be deleted"
                    + ("upload".equals(dataset.source())
                        ? " with the bytes the service keeps"
                        : "; the registered file " + dataset.path() + " stays")
                    + ". Jobs, models and results that used it keep their records. Delete it?"
                    + " [yes/no]",
            dataset -> "deleted dataset " + id + " '" + dataset.name() + "'");
  }
}
