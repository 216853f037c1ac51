package dev.jobkit.server.workers;

import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.workers.WorkerMessages.ClaimAnswer;
import dev.jobkit.server.workers.WorkerMessages.ClaimRequest;
import dev.jobkit.server.workers.WorkerMessages.HeartbeatAnswer;
import dev.jobkit.server.workers.WorkerMessages.LogAppendAnswer;
import dev.jobkit.server.workers.WorkerMessages.ResultFileAnswer;
import dev.jobkit.server.workers.WorkerMessages.Worker;
import dev.jobkit.server.workers.WorkerMessages.WorkerCompletion;
import dev.jobkit.server.workers.WorkerMessages.WorkerFailure;
import dev.jobkit.server.workers.WorkerMessages.WorkerHeartbeat;
import dev.jobkit.server.workers.WorkerMessages.WorkerJobState;
import dev.jobkit.server.workers.WorkerMessages.WorkerList;
import dev.jobkit.server.workers.WorkerMessages.WorkerRef;
import dev.jobkit.server.workers.WorkerMessages.WorkerRegistration;
import dev.jobkit.server.workers.WorkerMessages.WorkerTransition;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/internal/…}: the worker protocol (docs/workers.md) for keys of role {@code worker}
 * and admins — register, heartbeat, deregister; claim, acknowledge, transition, log, result,
 * complete, fail.
 */
@RestController
@RequestMapping("/api/v1/internal")
class WorkerController {

  private final Workers workers;

  WorkerController(Workers workers) {
    this.workers = workers;
  }

  @PostMapping(value = "/workers", consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  Worker register(Caller caller, @RequestBody WorkerRegistration request) {
    return workers.register(caller, request);
  }

  @GetMapping("/workers")
  WorkerList list(Caller caller) {
    return new WorkerList(workers.list(caller));
  }

  @PostMapping("/workers/{worker_id}/heartbeat")
  HeartbeatAnswer heartbeat(
      Caller caller,
      @PathVariable("worker_id") String workerId,
      @RequestBody(required = false) WorkerHeartbeat request) {
    return workers.heartbeat(caller, workerId, request);
  }

  @DeleteMapping("/workers/{worker_id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void deregister(Caller caller, @PathVariable("worker_id") String workerId) {
    workers.deregister(caller, workerId);
  }

  @PostMapping(value = "/jobs/claim", consumes = MediaType.APPLICATION_JSON_VALUE)
  ClaimAnswer claim(Caller caller, @RequestBody ClaimRequest request) {
    return workers.claim(caller, request);
  }

  @PostMapping(value = "/jobs/{id}/acknowledge", consumes = MediaType.APPLICATION_JSON_VALUE)
  WorkerJobState acknowledge(
      Caller caller, @PathVariable String id, @RequestBody WorkerRef request) {
    return workers.acknowledge(caller, id, request);
  }

  @PostMapping(value = "/jobs/{id}/transition", consumes = MediaType.APPLICATION_JSON_VALUE)
  WorkerJobState transition(
      Caller caller, @PathVariable String id, @RequestBody WorkerTransition request) {
    return workers.transition(caller, id, request);
  }

  // The raw bodies' type is checked in the method, not by the mapping: a caller who may not call
  // the route at all is told so first, whatever type it sent.
  @PostMapping("/jobs/{id}/pods/{pod}/log")
  LogAppendAnswer log(
      Caller caller,
      @PathVariable String id,
      @PathVariable String pod,
      @RequestParam(name = "worker_id", required = false) String workerId,
      @RequestParam(required = false) String offset,
      HttpServletRequest request)
      throws IOException, HttpMediaTypeNotSupportedException {
    Workers.authorize(caller);
    requireOctetStream(request);
    return workers.appendLog(
        caller, workerId, id, pod, offset, request.getInputStream().readAllBytes());
  }

  @PutMapping("/jobs/{id}/results/{*path}")
  ResultFileAnswer result(
      Caller caller,
      @PathVariable String id,
      @PathVariable String path,
      @RequestParam(name = "worker_id", required = false) String workerId,
      HttpServletRequest request)
      throws IOException, HttpMediaTypeNotSupportedException {
    Workers.authorize(caller);
    requireOctetStream(request);
    return workers.putResult(caller, workerId, id, path, request.getInputStream());
  }

  /** A raw body comes as {@code application/octet-stream}; anything else is a 415. */
  private static void requireOctetStream(HttpServletRequest request)
      throws HttpMediaTypeNotSupportedException {
    String type = request.getContentType();
    boolean octets;
    try {
      octets =
          type != null
              && MediaType.APPLICATION_OCTET_STREAM.equalsTypeAndSubtype(
                  MediaType.parseMediaType(type));
    } catch (InvalidMediaTypeException malformed) {
      octets = false;
    }
    if (!octets) {
      throw new HttpMediaTypeNotSupportedException(
          type == null ? "no Content-Type" : "Content-Type '" + type + "' is not supported",
          List.of(MediaType.APPLICATION_OCTET_STREAM));
    }
  }

  @PostMapping(value = "/jobs/{id}/complete", consumes = MediaType.APPLICATION_JSON_VALUE)
  WorkerJobState complete(
      Caller caller, @PathVariable String id, @RequestBody WorkerCompletion request) {
    return workers.complete(caller, id, request);
  }

  @PostMapping(value = "/jobs/{id}/fail", consumes = MediaType.APPLICATION_JSON_VALUE)
  WorkerJobState fail(Caller caller, @PathVariable String id, @RequestBody WorkerFailure request) {
    return workers.fail(caller, id, request);
  }
}
