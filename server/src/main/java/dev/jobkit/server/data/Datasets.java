package dev.jobkit.server.data;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.data.Dataset;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.JobkitProperties;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.auth.Keys;
import dev.jobkit.server.store.DataStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * Users' datasets. An upload is kept as {@code <data-dir>/datasets/<id>} ({@code 0600}, in a {@code
 * 0700} directory: the service's alone; jobs read it through the API with their token). A
 * registered file stays where it is, under one of {@code jobkit.datasets.roots}; deleting its
 * record leaves it. A user sees and deletes their own datasets, an admin everyone's.
 */
@Service
public class Datasets {

  private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{1,200}");

  private final DataStore store;
  private final Path dir;
  private final List<Path> roots;

  Datasets(DataStore store, JobkitProperties properties) {
    this.store = store;
    this.dir = properties.dataDir().resolve("datasets");
    this.roots = properties.datasets().roots();
  }

  /** Stores the bytes of {@code body} as a new dataset of the caller's. */
  public Dataset upload(Caller caller, String name, InputStream body) throws IOException {
    checkName(name, "name");
    String id = Keys.newId("ds");
    Path file = dir.resolve(id);
    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
    MessageDigest sha = sha256();
    long size;
    try (OutputStream out =
        Files.newOutputStream(
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PRIVATE_FILE)),
            StandardOpenOption.WRITE)) {
      size = new DigestInputStream(body, sha).transferTo(out);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    if (size == 0) {
      Files.deleteIfExists(file);
      throw ApiException.invalid("body", "is empty: send the dataset's bytes as the request body");
    }
    return add(caller, id, name, "upload", file, size, HexFormat.of().formatHex(sha.digest()));
  }

  /** Records {@code path} (under a configured root) as a dataset of the caller's, in place. */
  public Dataset register(Caller caller, String name, String path) {
    if (path == null || path.isBlank()) {
      throw ApiException.invalid("path", "required: the absolute path of a file under a root");
    }
    Path given;
    try {
      given = Path.of(path);
    } catch (InvalidPathException e) {
      throw ApiException.invalid("path", "is not a file path: " + e.getReason());
    }
    if (!given.isAbsolute()) {
      throw ApiException.invalid("path", "must be absolute, not '" + path + "'");
    }
    if (roots.isEmpty()) {
      throw ApiException.invalid(
          "path",
          "this service has no dataset roots (jobkit.datasets.roots): upload the file instead");
    }
    Path real;
    try {
      real = given.toRealPath();
    } catch (NoSuchFileException e) {
      throw ApiException.invalid("path", "no such file: " + path);
    } catch (IOException e) {
      throw ApiException.invalid("path", "cannot be read: " + e.getMessage());
    }
    if (roots.stream().noneMatch(root -> under(real, root))) {
      throw ApiException.invalid("path", "is not under a dataset root (" + roots + "): " + path);
    }
    if (!Files.isRegularFile(real) || !Files.isReadable(real)) {
      throw ApiException.invalid("path", "is not a readable regular file: " + path);
    }
    String named = name == null ? real.getFileName().toString() : name;
    checkName(named, "name");
    MessageDigest sha = sha256();
    long size;
    try (InputStream in = new DigestInputStream(Files.newInputStream(real), sha)) {
      size = in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw ApiException.invalid("path", "cannot be read: " + e.getMessage());
    }
    return add(
        caller,
        Keys.newId("ds"),
        named,
        "path",
        real,
        size,
        HexFormat.of().formatHex(sha.digest()));
  }

  public List<Dataset> list(Caller caller) {
    return store.datasets(caller.isAdmin() ? null : caller.name());
  }

  /** The dataset, if the caller may see it; 404 otherwise. */
  public Dataset get(Caller caller, String id) {
    return store
        .dataset(id)
        .filter(d -> caller.isAdmin() || d.owner().equals(caller.name()))
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "no dataset " + id + " (it does not exist, or you may not see it)"));
  }

  /** The file holding the dataset's bytes, if the caller may see it. */
  public Path file(Caller caller, String id) {
    get(caller, id);
    return Path.of(store.datasetFile(id).orElseThrow());
  }

  /** Deletes the record, and the bytes of an upload; a registered file stays. */
  public void delete(Caller caller, String id) {
    Dataset dataset = get(caller, id);
    Path file = Path.of(store.datasetFile(id).orElseThrow());
    if (store.deleteDataset(id) && "upload".equals(dataset.source())) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private Dataset add(
      Caller caller, String id, String name, String source, Path file, long size, String sha) {
    long[] shape = csvShape(file);
    Dataset dataset =
        new Dataset(
            id,
            name,
            caller.name(),
            source,
            "path".equals(source) ? file.toString() : null,
            size,
            sha,
            shape == null ? null : shape[0],
            shape == null ? null : (int) shape[1],
            // As the database keeps it, so the answer and later reads agree.
            Instant.now().truncatedTo(ChronoUnit.MICROS));
    store.addDataset(dataset, file.toString());
    return dataset;
  }

  /**
   * {rows, columns} when the file reads as CSV: UTF-8, every non-empty line with the same number of
   * comma-separated cells; a first line with a cell that is not a number is a header, not counted.
   * Null otherwise.
   */
  static long[] csvShape(Path file) {
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (BufferedReader lines =
        new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
      long rows = 0;
      int columns = -1;
      boolean first = true;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        if (columns < 0) {
          columns = cells.length;
        } else if (cells.length != columns) {
          return null;
        }
        if (first) {
          first = false;
          if (!allNumbers(cells)) {
            continue;
          }
        }
        rows++;
      }
      return columns < 0 ? null : new long[] {rows, columns};
    } catch (CharacterCodingException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean allNumbers(String[] cells) {
    for (String cell : cells) {
      try {
        Double.parseDouble(cell.strip());
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return true;
  }

  private static boolean under(Path real, Path root) {
    try {
      return real.startsWith(root.toRealPath());
    } catch (IOException e) {
      return false;
    }
  }

  private static void checkName(String name, String field) {
    List<FieldError> errors = new ArrayList<>();
    if (name == null || name.isBlank()) {
      errors.add(new FieldError(field, "required: 1 to 200 characters"));
    } else if (!NAME.matcher(name).matches()) {
      errors.add(new FieldError(field, "must be 1 to 200 characters without control characters"));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> PRIVATE_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> PRIVATE_FILE =
      PosixFilePermissions.fromString("rw-------");
}
