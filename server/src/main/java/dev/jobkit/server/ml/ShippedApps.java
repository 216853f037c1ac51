package dev.jobkit.server.ml;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.apps.App;
import dev.jobkit.sdk.apps.AppDefaults;
import dev.jobkit.sdk.apps.AppSpec;
import dev.jobkit.server.JobkitProperties;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.exec.AppClasspath;
import dev.jobkit.server.store.AppStore;
import dev.jobkit.server.store.DataStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The apps the service ships, {@code train} and {@code predict}: put by {@code jobkit} at the first
 * start as version 1, and again (as the next version) only when a later release changes them, so
 * every start is idempotent. No one, admins included, may put or delete them: the train/predict
 * routes and the records the service makes of their jobs depend on what they are. Their command is
 * the program's main class; a submission runs it with the service's own {@code java} on the
 * classpath {@link AppClasspath} staged. A submission's dataset and model ids must be the caller's,
 * and {@code model_path} under a configured root, or it is refused naming the parameter.
 */
@Component
public class ShippedApps implements SmartLifecycle {

  /** Who the shipped apps' versions were put by. */
  public static final String PUT_BY = "jobkit";

  public static final String TRAIN = "train";
  public static final String PREDICT = "predict";

  private static final Logger log = LoggerFactory.getLogger(ShippedApps.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Map<String, String> MAIN =
      Map.of(
          TRAIN, "dev.jobkit.server.ml.run.Train",
          PREDICT, "dev.jobkit.server.ml.run.Predict");

  private final AppStore apps;
  private final DataStore data;
  private final AppClasspath classpath;
  private final List<Path> modelRoots;
  private volatile boolean running;

  ShippedApps(AppStore apps, DataStore data, AppClasspath classpath, JobkitProperties properties) {
    this.apps = apps;
    this.data = data;
    this.classpath = classpath;
    List<Path> roots = new ArrayList<>(properties.datasets().roots());
    roots.addAll(properties.transfers().roots());
    this.modelRoots = List.copyOf(roots);
  }

  public static boolean isShipped(String name) {
    return MAIN.containsKey(name);
  }

  /** The argv of a job of shipped app {@code name}. */
  public List<String> command(String name) {
    return classpath.command(MAIN.get(name));
  }

  /** The shipped apps as this release defines them. */
  static Map<String, AppSpec> specs() {
    Map<String, AppSpec> specs = new LinkedHashMap<>();
    specs.put(TRAIN, train());
    specs.put(PREDICT, predict());
    return specs;
  }

  private static AppSpec train() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put(
        "dataset_id",
        string(
            "the dataset to train on (a CSV: gene_size feature columns, then output_dim target columns; a header line is optional)"));
    properties.put(
        "prepared_dataset_id",
        string(
            "a prepared version of the dataset: when given, the model is trained on it instead of dataset_id"));
    properties.put("gene_size", positiveInteger("the number of feature columns", null));
    properties.put(
        "output_dim", positiveInteger("the number of target columns, after the features", null));
    properties.put(
        "use_drug_structure",
        flag("recorded with the model; the linear model has no drug-structure input"));
    properties.put(
        "control_dataset_id",
        string("a held-out dataset of the same shape, scored as the control_mse metric"));
    properties.put("batch_size", positiveInteger("rows per gradient step", 64));
    properties.put(
        "lr",
        Map.of(
            "type",
            "number",
            "exclusiveMinimum",
            0,
            "default",
            1e-4,
            "description",
            "the gradient step's size (learning rate)"));
    properties.put(
        "epochs",
        Map.of(
            "type",
            "integer",
            "minimum",
            1,
            "maximum",
            100000,
            "default",
            100,
            "description",
            "passes over the dataset"));
    return AppSpec.builder()
        .description(
            "Trains a multi-output linear regression (gene_size features to output_dim targets,"
                + " mini-batch gradient descent with Apache Commons Math) on one of your datasets;"
                + " reports progress and train_mse per epoch; its output (weights.csv, model.json,"
                + " training.csv) becomes a model record. Shipped with the service: runs"
                + " dev.jobkit.server.ml.run.Train with the service's own java.")
        .command("java", MAIN.get(TRAIN))
        .parameters(schema(properties, List.of("dataset_id", "gene_size", "output_dim")))
        .defaults(new AppDefaults(1, null, 3600, 1))
        .build();
  }

  private static AppSpec predict() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put(
        "dataset_id",
        string(
            "the dataset to predict for: gene_size feature columns, optionally followed by output_dim target columns (then scored as test_mse)"));
    properties.put(
        "model_id", string("a model of yours (GET /api/v1/models); give it or model_path"));
    properties.put(
        "model_path",
        string(
            "a directory holding weights.csv (as a train job writes it), or that file, under one of jobkit.datasets.roots or jobkit.transfers.roots; give it or model_id"));
    properties.put(
        "gene_size", positiveInteger("the number of feature columns; must match the model", null));
    properties.put(
        "output_dim", positiveInteger("the number of targets; must match the model", null));
    properties.put("use_drug_structure", flag("as for train; recorded with the result"));
    return AppSpec.builder()
        .description(
            "Predicts with a model of the train app (model_id, or model_path under a configured"
                + " root) for one of your datasets; writes predictions.csv, which becomes a result"
                + " record. Shipped with the service: runs dev.jobkit.server.ml.run.Predict with"
                + " the service's own java.")
        .command("java", MAIN.get(PREDICT))
        .parameters(schema(properties, List.of("dataset_id", "gene_size", "output_dim")))
        .defaults(new AppDefaults(1, null, 3600, 1))
        .build();
  }

  private static Map<String, Object> schema(Map<String, Object> properties, List<String> required) {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    schema.put("required", required);
    schema.put("additionalProperties", false);
    return schema;
  }

  private static Map<String, Object> string(String description) {
    return Map.of("type", "string", "description", description);
  }

  private static Map<String, Object> flag(String description) {
    return Map.of("type", "boolean", "default", false, "description", description);
  }

  private static Map<String, Object> positiveInteger(String description, Integer otherwise) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", "integer");
    p.put("exclusiveMinimum", 0);
    if (otherwise != null) {
      p.put("default", otherwise);
    }
    p.put("description", description);
    return p;
  }

  @Override
  public void start() {
    specs()
        .forEach(
            (name, spec) -> {
              Optional<App> latest = apps.latest(name);
              if (latest.isPresent() && same(latest.get(), spec)) {
                return;
              }
              App put;
              try {
                put = apps.put(name, spec, PUT_BY);
              } catch (DataIntegrityViolationException raced) {
                // Another service on the same database registered it at the same moment.
                if (apps.latest(name).filter(app -> same(app, spec)).isPresent()) {
                  return;
                }
                throw raced;
              }
              log.info("registered the shipped app {} version {}", name, put.version());
            });
    running = true;
  }

  private static boolean same(App app, AppSpec spec) {
    AppSpec stored =
        new AppSpec(
            app.description(),
            app.command(),
            app.shell(),
            app.parameters(),
            app.defaults(),
            app.env(),
            app.hooks(),
            app.transfers());
    return PUT_BY.equals(app.createdBy())
        && JSON.valueToTree(stored).equals(JSON.valueToTree(spec));
  }

  /**
   * Checks what a submission of a shipped app names, for {@code caller}: its datasets and model are
   * theirs, exactly one of {@code model_id} and {@code model_path}, and the path under a root.
   */
  public void check(
      Caller caller,
      String app,
      Map<String, Object> values,
      String prefix,
      List<FieldError> errors) {
    String field = prefix + "parameters.";
    classpath
        .problem()
        .ifPresent(
            why ->
                errors.add(
                    new FieldError(
                        prefix + "app", "app '" + app + "' cannot run on this service: " + why)));
    for (String name : List.of("dataset_id", "prepared_dataset_id", "control_dataset_id")) {
      if (values.get(name) instanceof String id
          && data.dataset(id)
              .filter(d -> caller.isAdmin() || d.owner().equals(caller.name()))
              .isEmpty()) {
        errors.add(
            new FieldError(
                field + name, "no dataset " + id + " (it does not exist, or you may not see it)"));
      }
    }
    if (!PREDICT.equals(app)) {
      return;
    }
    Object modelId = values.get("model_id");
    Object modelPath = values.get("model_path");
    if (modelId == null && modelPath == null) {
      errors.add(
          new FieldError(
              field + "model_id", "required: give model_id (a model of yours) or model_path"));
    } else if (modelId != null && modelPath != null) {
      errors.add(new FieldError(field + "model_path", "give model_id or model_path, not both"));
    } else if (modelId instanceof String id) {
      if (data.model(id)
          .filter(m -> caller.isAdmin() || m.owner().equals(caller.name()))
          .isEmpty()) {
        errors.add(
            new FieldError(
                field + "model_id",
                "no model " + id + " (it does not exist, or you may not see it)"));
      }
    } else if (modelPath instanceof String path) {
      modelPathProblem(path)
          .ifPresent(why -> errors.add(new FieldError(field + "model_path", why)));
    }
  }

  /** Why {@code path} may not be a model path, if it may not. */
  Optional<String> modelPathProblem(String path) {
    Path given;
    try {
      given = Path.of(path);
    } catch (InvalidPathException e) {
      return Optional.of("is not a file path: " + e.getReason());
    }
    if (!given.isAbsolute()) {
      return Optional.of("must be absolute, not '" + path + "'");
    }
    if (modelRoots.isEmpty()) {
      return Optional.of(
          "this service has no roots for it (jobkit.datasets.roots, jobkit.transfers.roots): use"
              + " model_id");
    }
    Path real;
    try {
      real = given.toRealPath();
    } catch (IOException e) {
      return Optional.of("no such file or directory: " + path);
    }
    boolean under =
        modelRoots.stream()
            .anyMatch(
                root -> {
                  try {
                    return real.startsWith(root.toRealPath());
                  } catch (IOException e) {
                    return false;
                  }
                });
    if (!under) {
      return Optional.of(
          "is not under jobkit.datasets.roots or jobkit.transfers.roots ("
              + modelRoots
              + "): "
              + path);
    }
    Path weights = Files.isDirectory(real) ? real.resolve("weights.csv") : real;
    if (!Files.isRegularFile(weights)) {
      return Optional.of("holds no weights.csv: " + path);
    }
    return Optional.empty();
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return -140; // after the classpath is staged, before the engine and the web server
  }
}
