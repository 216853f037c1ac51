package dev.jobkit.server.api;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.jobs.JobReader;
import dev.jobkit.server.store.JobFilter;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVPrinter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/v1/jobs/export}: the job history with the filters of {@code GET /api/v1/jobs}
 * ({@link JobFilters}), newest first, as CSV ({@link JobCsv}) or as one JSON array of the jobs the
 * list shows. It is written as it is read, a page of {@value #PAGE} jobs at a time, so its memory
 * does not grow with the number of jobs. The literal path wins over {@code /api/v1/jobs/{id}}.
 */
@RestController
class ExportController {

  /** Jobs read from the store per page. */
  static final int PAGE = 500;

  static final String CSV = "text/csv;charset=UTF-8";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private static final Logger log = LoggerFactory.getLogger(ExportController.class);

  private final JobReader reader;
  private final JsonMapper json;

  ExportController(JobReader reader, JsonMapper json) {
    this.reader = reader;
    this.json = json;
  }

  @GetMapping("/api/v1/jobs/export")
  void export(
      Caller caller,
      @RequestParam(required = false) String format,
      @RequestParam(required = false) List<String> status,
      @RequestParam(required = false) String owner,
      @RequestParam(required = false) List<String> tag,
      @RequestParam(required = false) String name,
      @RequestParam(required = false) String parent,
      @RequestParam(required = false) String app,
      @RequestParam(name = "created_after", required = false) String createdAfter,
      @RequestParam(name = "created_before", required = false) String createdBefore,
      HttpServletResponse response) {
    List<FieldError> errors = new ArrayList<>();
    String chosen =
        format == null || format.isBlank() ? "csv" : format.strip().toLowerCase(Locale.ROOT);
    if (!chosen.equals("csv") && !chosen.equals("json")) {
      errors.add(new FieldError("format", "must be csv or json, not '" + format + "'"));
    }
    JobFilter filter =
        JobFilters.parse(
            caller, status, owner, tag, name, parent, app, createdAfter, createdBefore, errors);
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    response.setContentType(chosen.equals("csv") ? CSV : "application/json");
    response.setHeader(
        HttpHeaders.CONTENT_DISPOSITION,
        "attachment; filename=\"jobs-" + STAMP.format(Instant.now()) + "." + chosen + "\"");
    response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    try {
      OutputStream out = response.getOutputStream();
      if (chosen.equals("csv")) {
        csv(caller, filter, out);
      } else {
        json(caller, filter, out);
      }
    } catch (IOException gone) {
      endedEarly(caller, gone);
    } catch (JacksonException | UncheckedIOException e) {
      if (!(e.getCause() instanceof IOException)) {
        throw e;
      }
      endedEarly(caller, e);
    }
  }

  /**
   * The reader went away, or its connection broke (Jackson wraps that too): nothing is left to
   * answer, and it is not the service's failure to log as one.
   */
  private static void endedEarly(Caller caller, Exception e) {
    log.debug("the export to {} ended early: {}", caller.name(), e.toString());
  }

  private void csv(Caller caller, JobFilter filter, OutputStream out) throws IOException {
    Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    try (CSVPrinter printer = new CSVPrinter(writer, JobCsv.FORMAT)) {
      reader.forEachPage(
          caller,
          filter,
          PAGE,
          jobs -> {
            for (Job job : jobs) {
              printer.printRecord(JobCsv.record(job));
            }
            printer.flush();
          });
    }
  }

  private void json(Caller caller, JobFilter filter, OutputStream out) throws IOException {
    try (JsonGenerator generator = json.createGenerator(out)) {
      generator.writeStartArray();
      reader.forEachPage(
          caller,
          filter,
          PAGE,
          jobs -> {
            for (Job job : jobs) {
              generator.writePOJO(job);
            }
            generator.flush();
          });
      generator.writeEndArray();
    }
  }
}
