package dev.jobkit.sdk;

import dev.jobkit.sdk.data.Dataset;
import dev.jobkit.sdk.internal.DataApi;
import dev.jobkit.sdk.internal.Registration;
import feign.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;

/**
 * Datasets: files a user uploads (the service keeps the bytes) or registers in place under one of
 * the service's dataset roots, each recorded with its size and SHA-256. Jobs of the {@code train}
 * and {@code predict} apps name them by id. A user sees their own datasets, an admin everyone's.
 *
 * <pre>{@code
 * Dataset data = client.datasets().upload(Path.of("genes.csv"));
 * Job job = client.jobs().submit(AppRun.of("train")
 *     .param("dataset_id", data.id()).param("gene_size", 4).param("output_dim", 2).build());
 * client.datasets().download(data.id(), Path.of("copy.csv")); // checked against data.sha256()
 * }</pre>
 *
 * <p>{@link #delete} is a plain call, not a guarded action: the guarded protocol is for jobs, whose
 * state can change under the caller. A dataset never changes once added, and deleting it leaves
 * every job, model and result that used it as it is. The shell still asks before {@code dataset
 * delete}, as it does before {@code app delete}.
 */
public final class Datasets {

  private final DataApi api;
  private final Calls calls;
  private final ProblemDecoder errors;

  Datasets(DataApi api, Calls calls, ProblemDecoder errors) {
    this.api = api;
    this.calls = calls;
    this.errors = errors;
  }

  /**
   * Uploads a file, named by its file name. The file is read into memory first; the service refuses
   * one larger than its {@code jobkit.datasets.max-size} (256 MB unless configured) with a {@link
   * ValidationException}. Not retried: a lost answer would make the retry a second dataset.
   *
   * @param file the file to upload, such as a CSV
   * @return the dataset, with the size and SHA-256 the service computed
   * @throws ValidationException if the file is empty or too large
   * @throws UncheckedIOException if the file cannot be read
   */
  public Dataset upload(Path file) {
    Path name = file.getFileName();
    return upload(name == null ? file.toString() : name.toString(), file);
  }

  /**
   * Uploads a file under a name of the caller's choice, as {@link #upload(Path)} does.
   *
   * @param name the dataset's name: 1 to 200 characters, no control characters
   * @param file the file to upload
   * @return the dataset, with the size and SHA-256 the service computed
   * @throws ValidationException if the name is not valid, or the file is empty or too large
   * @throws UncheckedIOException if the file cannot be read
   */
  public Dataset upload(String name, Path file) {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return upload(name, content);
  }

  /**
   * Uploads what {@code content} holds until its end, as {@link #upload(Path)} does; the stream is
   * read into memory first and left open.
   *
   * @param name the dataset's name: 1 to 200 characters, no control characters
   * @param content the bytes to upload
   * @return the dataset, with the size and SHA-256 the service computed
   * @throws ValidationException if the name is not valid, or the content is empty or too large
   * @throws UncheckedIOException if the stream cannot be read
   */
  public Dataset upload(String name, InputStream content) {
    try {
      return upload(name, content.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dataset's content: " + e.getMessage(), e);
    }
  }

  /**
   * Uploads {@code content} as a dataset, as {@link #upload(Path)} does.
   *
   * @param name the dataset's name: 1 to 200 characters, no control characters
   * @param content the bytes to upload
   * @return the dataset, with the size and SHA-256 the service computed
   * @throws ValidationException if the name is not valid, or the content is empty or too large
   */
  public Dataset upload(String name, byte[] content) {
    Objects.requireNonNull(content, "content");
    return calls.once(() -> api.upload(name, content));
  }

  /**
   * Registers a file on the service's machine as a dataset, in place: the service reads it once for
   * its size and SHA-256 and keeps only its path. Not retried, as an upload.
   *
   * @param name the dataset's name; null for the file's name
   * @param path the file's absolute path on the service's machine, under one of its {@code
   *     jobkit.datasets.roots}
   * @return the dataset, with {@code source} {@code path}
   * @throws ValidationException naming {@code path} and why: not absolute, no such file, not under
   *     a root, or the service has no roots
   */
  public Dataset register(String name, String path) {
    return calls.once(() -> api.register(new Registration(path, name)));
  }

  /**
   * The caller's datasets (an admin's: everyone's), newest first.
   *
   * @return the datasets; empty when there are none
   */
  public List<Dataset> list() {
    return calls.run(api::datasets).items();
  }

  /**
   * A dataset's record.
   *
   * @param id the dataset's id, {@code ds_...}
   * @return the dataset
   * @throws NotFoundException if there is no such dataset, or it is another user's
   */
  public Dataset get(String id) {
    return calls.run(() -> api.dataset(id));
  }

  /**
   * The dataset's bytes as a stream, checked as they arrive: reading to the end throws {@link
   * ChecksumMismatchException} when their size or SHA-256 differs from the record's. The caller
   * closes the stream.
   *
   * @param id the dataset's id
   * @return its bytes
   * @throws NotFoundException if there is no such dataset, or it is another user's
   */
  public InputStream open(String id) {
    return checked(id);
  }

  private CheckedContent checked(String id) {
    Dataset record = get(id);
    Response response = calls.run(() -> answer(id));
    try {
      InputStream body =
          response.body() == null ? InputStream.nullInputStream() : response.body().asInputStream();
      return new CheckedContent(body, record);
    } catch (IOException e) {
      response.close();
      throw new TransportException("cannot read dataset " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * Downloads a dataset to {@code target}, replacing it, and checks its size and SHA-256 against
   * the record. The bytes go to a temporary file next to {@code target} first, so that {@code
   * target} is either the whole, checked dataset or left as it was.
   *
   * @param id the dataset's id
   * @param target where to write it
   * @return the dataset's record, whose checksum the file matches
   * @throws NotFoundException if there is no such dataset, or it is another user's
   * @throws ChecksumMismatchException if the bytes do not match the record; {@code target} is left
   *     as it was
   * @throws UncheckedIOException if {@code target} cannot be written
   */
  public Dataset download(String id, Path target) {
    return WholeFile.write(
        target,
        partial -> {
          try (CheckedContent in = checked(id)) {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            return in.record();
          } catch (IOException e) {
            throw new TransportException(
                "cannot download dataset " + id + ": " + e.getMessage(), e);
          }
        },
        record -> true);
  }

  /**
   * Deletes a dataset's record, and the bytes of an upload; a registered file stays where it is.
   * Jobs, models and results that used it are left as they are. Not retried: a lost answer would
   * make the retry a 404.
   *
   * @param id the dataset's id
   * @throws NotFoundException if there is no such dataset, or it is another user's
   */
  public void delete(String id) {
    calls.once(
        () -> {
          api.deleteDataset(id);
          return null;
        });
  }

  /** The open answer of a 2xx; any other status becomes the SDK's exception for it. */
  private Response answer(String id) {
    Response response = api.content(id);
    if (response.status() / 100 != 2) {
      try (response) {
        throw (JobkitException) errors.decode("DataApi#content", response);
      }
    }
    return response;
  }
}
