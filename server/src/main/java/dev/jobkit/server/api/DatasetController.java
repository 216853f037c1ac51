package dev.jobkit.server.api;

import dev.jobkit.sdk.data.Dataset;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.data.Datasets;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/datasets}: upload (the request body is the file, {@code ?name=} names it) or
 * register ({@code {"path", "name"}} as JSON, a file under a configured root) a dataset; list, get,
 * read and delete the caller's own (an admin's: everyone's).
 */
@RestController
@RequestMapping("/api/v1/datasets")
class DatasetController {

  /** What registers a file in place. */
  record Registration(String path, String name) {}

  /** Datasets without paging, newest first. */
  record DatasetList(List<Dataset> items) {}

  private final Datasets datasets;

  DatasetController(Datasets datasets) {
    this.datasets = datasets;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  Dataset register(Caller caller, @RequestBody Registration registration) {
    return datasets.register(caller, registration.name(), registration.path());
  }

  @PostMapping(
      consumes = {"text/csv", MediaType.TEXT_PLAIN_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE})
  @ResponseStatus(HttpStatus.CREATED)
  Dataset upload(
      Caller caller, @RequestParam(required = false) String name, HttpServletRequest request)
      throws IOException {
    return datasets.upload(caller, name, request.getInputStream());
  }

  @GetMapping
  DatasetList list(Caller caller) {
    return new DatasetList(datasets.list(caller));
  }

  @GetMapping("/{id}")
  Dataset get(Caller caller, @PathVariable String id) {
    return datasets.get(caller, id);
  }

  /** The dataset's bytes: how a job (with its token, as its owner) reads it. */
  @GetMapping("/{id}/content")
  ResponseEntity<FileSystemResource> content(Caller caller, @PathVariable String id) {
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .body(new FileSystemResource(datasets.file(caller, id)));
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void delete(Caller caller, @PathVariable String id) {
    datasets.delete(caller, id);
  }
}
