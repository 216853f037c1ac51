package dev.jobkit.server.api;

import dev.jobkit.sdk.jobs.ResultManifest;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.jobs.ResultManifests;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
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
  ResponseEntity<Resource> file(Caller caller, @PathVariable String id, @PathVariable String path) {
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
    return answer.body(new FileSystemResource(found.file()));
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
