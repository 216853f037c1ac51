package dev.jobkit.server.support;

import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobPage;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain HTTP client of the job API for tests: raw requests with {@link Response} for asserting on
 * statuses and problem documents, and typed helpers for the common steps.
 */
public final class Api {

  public static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String baseUrl;
  private final String key;
  private final String name;

  public Api(String baseUrl, String key) {
    this(baseUrl, key, null);
  }

  /** A client of user {@code name}, whose key is {@code key}. */
  public Api(String baseUrl, String key, String name) {
    this.baseUrl = baseUrl;
    this.key = key;
    this.name = name;
  }

  /** The name of this client's user, when it was made with one. */
  public String name() {
    if (name == null) {
      throw new IllegalStateException("this client was made without its user's name");
    }
    return name;
  }

  /** The API key this client sends, or null. */
  public String key() {
    return key;
  }

  /** An HTTP answer. */
  public record Response(int status, java.net.http.HttpHeaders headers, String body) {

    public JsonNode json() {
      return JSON.readTree(body);
    }

    public <T> T as(Class<T> type) {
      return JSON.readValue(body, type);
    }

    /** Fails with the body in the message unless the status is {@code expected}. */
    public Response expect(int expected) {
      if (status != expected) {
        throw new AssertionError("expected HTTP " + expected + " but got " + status + ": " + body);
      }
      return this;
    }

    public String contentType() {
      return headers.firstValue("Content-Type").orElse("");
    }
  }

  public Response get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  /**
   * Every job of {@code GET /api/v1/jobs?<query>}, page after page in the order the service gives
   * them, following {@code next_cursor} to the end.
   */
  public List<Job> listAll(String query) {
    List<Job> jobs = new ArrayList<>();
    String cursor = null;
    do {
      JobPage page =
          get("/api/v1/jobs?" + query + (cursor == null ? "" : "&cursor=" + cursor))
              .expect(200)
              .as(JobPage.class);
      jobs.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor != null);
    return jobs;
  }

  public Response post(String path, String body, String... headers) {
    return send("POST", path, body, headers);
  }

  public Response patch(String path, String body, String... headers) {
    return send("PATCH", path, body, headers);
  }

  public Response put(String path, String body, String... headers) {
    return send("PUT", path, body, headers);
  }

  public Response delete(String path, String... headers) {
    return send("DELETE", path, null, headers);
  }

  /** Sends any request; {@code headers} are name/value pairs. */
  public Response send(String method, String path, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null && !Arrays.asList(headers).contains("Content-Type")) {
      request.header("Content-Type", "application/json");
    }
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers(), response.body());
    } catch (java.net.http.HttpTimeoutException e) {
      throw new AssertionError(
          "the service did not answer "
              + method
              + " "
              + path
              + " within 60 s"
              + ServiceThreads.describe(),
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The same user's client against another address (after a restart on a new port). */
  public Api at(String otherBaseUrl) {
    return new Api(otherBaseUrl, key, name);
  }

  /**
   * Opens a Server-Sent Events stream; returns once the answer's headers have arrived. {@code
   * headers} are name/value pairs.
   */
  public SseStream stream(String path, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            // Bounds the wait for the answer's headers only, not the stream.
            .timeout(Duration.ofSeconds(60))
            .header("Accept", "text/event-stream")
            .GET();
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return SseStream.open(HTTP, request.build());
  }

  /** Submits a job from its JSON spec and returns it as created. */
  public Job submit(String specJson) {
    return post("/api/v1/jobs", specJson).expect(201).as(Job.class);
  }

  /** Submits a shell-script job. */
  public Job submitShell(String script) {
    return submit("{\"shell\":" + JSON.writeValueAsString(script) + "}");
  }

  public Job job(String id) {
    return get("/api/v1/jobs/" + id).expect(200).as(Job.class);
  }

  public List<JobEvent> events(String id) {
    return JSON.readValue(
        get("/api/v1/jobs/" + id + "/events").expect(200).body(),
        new TypeReference<List<JobEvent>>() {});
  }

  /** Waits (up to {@code timeout}) until the job's status satisfies {@code condition}. */
  public Job awaitStatus(String id, Predicate<JobStatus> condition, Duration timeout) {
    return await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(25))
        .until(() -> job(id), j -> condition.test(j.status()));
  }

  /**
   * Waits up to 30 s until every pod of the job's attempt has its pid recorded: {@code RUNNING} is
   * recorded as the pods start, their pids right after.
   */
  public Job awaitPids(String id) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(25))
        .until(
            () -> job(id),
            j -> !j.pods().isEmpty() && j.pods().stream().allMatch(p -> p.pid() != null));
  }

  /** Waits up to 30 s for the job to reach {@code status}. */
  public Job awaitStatus(String id, JobStatus status) {
    return awaitStatus(id, s -> s == status, Duration.ofSeconds(30));
  }

  /** Waits up to {@code timeout} for the job to reach {@code status}. */
  public Job awaitStatus(String id, JobStatus status, Duration timeout) {
    return awaitStatus(id, s -> s == status, timeout);
  }

  /**
   * Stops a running job and waits up to 60 s until it is {@code CANCELED}. The answer is 202 with
   * {@code CANCEL_REQUESTED} while its processes exit, or 200 with {@code CANCELED} when they were
   * gone before the answer was written; anything else fails.
   */
  public Job stopAndAwaitCanceled(String id) {
    Response stop = post("/api/v1/jobs/" + id + "/stop", "");
    JobStatus answered =
        stop.status() == 202 || stop.status() == 200 ? stop.as(Job.class).status() : null;
    boolean consistent =
        stop.status() == 202 && answered == JobStatus.CANCEL_REQUESTED
            || stop.status() == 200 && answered == JobStatus.CANCELED;
    if (!consistent) {
      throw new AssertionError(
          "expected 202 CANCEL_REQUESTED or 200 CANCELED but got "
              + stop.status()
              + ": "
              + stop.body());
    }
    return awaitStatus(id, JobStatus.CANCELED, Duration.ofSeconds(60));
  }

  /**
   * Starts a flush ({@code query} without the {@code ?}, e.g. {@code scope=all}), which must answer
   * 202 with a running or ended operation and its {@code Location}, and follows it there (long
   * polls of 20 s) until it has ended, for at most 3 minutes.
   */
  public FlushOperation flushAndAwait(String query) {
    Response started = post("/api/v1/jobs/flush?" + query, "").expect(202);
    FlushOperation operation = started.as(FlushOperation.class);
    String location = started.headers().firstValue("Location").orElseThrow();
    if (!location.equals("/api/v1/operations/" + operation.id())) {
      throw new AssertionError("Location " + location + " does not name " + operation.id());
    }
    return awaitOperation(operation.id(), Duration.ofMinutes(3));
  }

  /** Follows an operation with long polls of 20 s until it has ended, for at most {@code limit}. */
  public FlushOperation awaitOperation(String id, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    FlushOperation now = get("/api/v1/operations/" + id).expect(200).as(FlushOperation.class);
    while (!now.done()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("operation " + id + " still running after " + limit + ": " + now);
      }
      now = get("/api/v1/operations/" + id + "?wait=20s").expect(200).as(FlushOperation.class);
    }
    return now;
  }

  /** Waits up to 30 s for the job to end, in whatever state. */
  public Job awaitEnd(String id) {
    return awaitStatus(id, JobStatus::isTerminal, Duration.ofSeconds(30));
  }
}
