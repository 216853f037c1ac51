package dev.jobkit.server.api;

import static dev.jobkit.server.api.QueryValues.byteOffset;
import static dev.jobkit.server.api.QueryValues.integer;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.jobs.JobReader;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/jobs/{id}/log}: the tail of a pod's log (JSON or plain text) and the log followed
 * live over Server-Sent Events ({@link LogStreams}).
 */
@RestController
@RequestMapping("/api/v1/jobs")
class JobLogController {

  private final JobReader jobs;
  private final LogStreams logStreams;

  JobLogController(JobReader jobs, LogStreams logStreams) {
    this.jobs = jobs;
    this.logStreams = logStreams;
  }

  @GetMapping(value = "/{id}/log", produces = MediaType.APPLICATION_JSON_VALUE)
  LogTail log(
      Caller caller,
      @PathVariable String id,
      @RequestParam(required = false) String pod,
      @RequestParam(name = "tail_chars", required = false) String tailChars) {
    return jobs.logTail(
        caller,
        id,
        integer("pod", pod, 0),
        integer("tail_chars", tailChars, JobReader.MAX_TAIL_CHARS));
  }

  @GetMapping(value = "/{id}/log", produces = MediaType.TEXT_PLAIN_VALUE)
  String logText(
      Caller caller,
      @PathVariable String id,
      @RequestParam(required = false) String pod,
      @RequestParam(name = "tail_chars", required = false) String tailChars) {
    return log(caller, id, pod, tailChars).content();
  }

  @GetMapping(value = "/{id}/log/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  void followLog(
      Caller caller,
      @PathVariable String id,
      @RequestParam(required = false) String pod,
      @RequestParam(required = false) String offset,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      HttpServletRequest request,
      HttpServletResponse response) {
    int podIndex = integer("pod", pod, 0);
    String field = lastEventId != null && !lastEventId.isBlank() ? "Last-Event-ID" : "offset";
    long from = byteOffset(field, field.equals("offset") ? offset : lastEventId);
    Job job = jobs.logReadable(caller, id, podIndex);
    if (job.status().isTerminal()) {
      // The log of an ended job grows no more: an offset past its end was never sent, and
      // following from it would wait for bytes that cannot come.
      long size = logStreams.logSize(id, podIndex);
      if (from > size) {
        throw ApiException.invalid(
            field,
            "is past the end of the log: job "
                + id
                + " has ended and pod "
                + podIndex
                + "'s log has "
                + size
                + " bytes, not "
                + from);
      }
    }
    logStreams.follow(caller, id, podIndex, from, request, response);
  }
}
