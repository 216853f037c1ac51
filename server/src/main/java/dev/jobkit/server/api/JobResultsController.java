package dev.jobkit.server.api;

import dev.jobkit.sdk.jobs.ResultManifest;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.jobs.ResultManifests;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRange;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/jobs/{id}/results}: the manifest of the files a job wrote under its output dir
 * ({@link ResultManifests}), one file ({@code …/results/{path}}, with {@code Range} and the SHA-256
 * as {@code ETag}), or all of them as a zip streamed from disk ({@code …/results.zip}). Not to be
 * confused with {@code /api/v1/results}, the result records of the predict app ({@link
 * OutputController}).
 */
@RestController
@RequestMapping("/api/v1/jobs")
class JobResultsController {

  /** Tomcat's request attributes for {@code sendfile} (what its default servlet sets). */
  private static final String SENDFILE_SUPPORT = "org.apache.tomcat.sendfile.support";

  private static final String SENDFILE_FILENAME = "org.apache.tomcat.sendfile.filename";
  private static final String SENDFILE_START = "org.apache.tomcat.sendfile.start";
  private static final String SENDFILE_END = "org.apache.tomcat.sendfile.end";

  /** Smaller files are sent by Spring: sendfile pays off from about here (Tomcat's own limit). */
  private static final long SENDFILE_FROM = 48 * 1024;

  private final ResultManifests results;

  JobResultsController(ResultManifests results) {
    this.results = results;
  }

  @GetMapping(value = "/{id}/results", produces = MediaType.APPLICATION_JSON_VALUE)
  ResultManifest manifest(Caller caller, @PathVariable String id) {
    return results.manifest(caller, id);
  }

  /**
   * One file. Spring answers {@code Range} (206, or 416 with {@code Content-Range: bytes *}/size
   * for a range outside the file) and {@code If-None-Match} (304) from the entity's headers. A file
   * of a job that has not ended has no checksum yet, so no {@code ETag}, and is not cached.
   */
  @GetMapping("/{id}/results/{*path}")
  ResponseEntity<Resource> file(
      Caller caller,
      @PathVariable String id,
      @PathVariable String path,
      HttpServletRequest request,
      HttpServletResponse response) {
    // {*path} starts with the '/' that ends "results"; an absolute path comes as "//...".
    String relative = path.startsWith("/") ? path.substring(1) : path;
    ResultManifests.Found found = results.file(caller, id, relative);
    ResponseEntity.BodyBuilder answer =
        ResponseEntity.ok()
            .contentType(MediaType.parseMediaType(found.entry().mediaType()))
            .header(HttpHeaders.ACCEPT_RANGES, "bytes")
            .header(
                HttpHeaders.CONTENT_DISPOSITION,
                ContentDisposition.attachment()
                    .filename(
                        found.file().getFileName().toString(),
                        java.nio.charset.StandardCharsets.UTF_8)
                    .build()
                    .toString());
    if (found.complete()) {
      answer.eTag("\"" + found.entry().sha256() + "\"").lastModified(found.entry().modifiedAt());
    } else {
      answer.cacheControl(CacheControl.noStore());
    }
    if (sendWhole(found, request, response, answer)) {
      return null; // handled: the container sends the file
    }
    String range = request.getHeader(HttpHeaders.RANGE);
    if (range != null && unsatisfiable(range, found.body())) {
      // Spring would set 416 and then send the whole file anyway; this 416 is a problem document.
      return ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
          .header(HttpHeaders.CONTENT_RANGE, "bytes */" + size(found))
          .build();
    }
    return answer.body(found.body());
  }

  private static long size(ResultManifests.Found found) {
    try {
      return found.body().contentLength();
    } catch (IOException gone) {
      return found.entry().sizeBytes();
    }
  }

  /** Whether {@code range} asks for nothing of the file (or is not a byte range at all). */
  private static boolean unsatisfiable(String range, Resource body) {
    try {
      HttpRange.toResourceRegions(HttpRange.parseRanges(range), body);
      return false;
    } catch (IllegalArgumentException e) {
      return true;
    }
  }

  /**
   * A whole, final file of some size is sent by the servlet container itself with {@code sendfile}
   * (as its default servlet sends static files): from the page cache to the socket, no copy through
   * the heap. A {@code Range}, a conditional request that may answer 304, a file of a job that
   * still runs (whose size may change) or a container without it go through Spring's resource
   * handling.
   */
  private static boolean sendWhole(
      ResultManifests.Found found,
      HttpServletRequest request,
      HttpServletResponse response,
      ResponseEntity.BodyBuilder answer) {
    if (!found.complete()
        || found.entry().sizeBytes() < SENDFILE_FROM
        || request.getHeader(HttpHeaders.RANGE) != null
        || request.getHeader(HttpHeaders.IF_NONE_MATCH) != null
        || request.getHeader(HttpHeaders.IF_MODIFIED_SINCE) != null
        || !"GET".equals(request.getMethod())
        || !Boolean.TRUE.equals(request.getAttribute(SENDFILE_SUPPORT))) {
      return false;
    }
    long size;
    try {
      size = java.nio.file.Files.size(found.file());
    } catch (IOException e) {
      return false; // Spring's handling says what is wrong
    }
    answer
        .build()
        .getHeaders()
        .forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentLengthLong(size);
    request.setAttribute(SENDFILE_FILENAME, found.file().toString());
    request.setAttribute(SENDFILE_START, 0L);
    request.setAttribute(SENDFILE_END, size);
    return true;
  }

  @GetMapping(value = "/{id}/results.zip", produces = "application/zip")
  void zip(Caller caller, @PathVariable String id, HttpServletResponse response)
      throws IOException {
    ResultManifest manifest = results.forZip(caller, id);
    response.setContentType("application/zip");
    response.setHeader(
        HttpHeaders.CONTENT_DISPOSITION,
        ContentDisposition.attachment().filename(id + "-results.zip").build().toString());
    if (!manifest.complete()) {
      response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    }
    response.setHeader("Jobkit-Results-Final", Boolean.toString(manifest.complete()));
    OutputStream out = response.getOutputStream();
    results.writeZip(manifest, out);
    out.flush();
  }
}
