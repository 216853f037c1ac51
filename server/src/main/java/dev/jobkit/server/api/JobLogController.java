package dev.jobkit.server.api;

import static dev.jobkit.server.api.QueryValues.byteOffset;
import static dev.jobkit.server.api.QueryValues.integer;
import static dev.jobkit.server.api.QueryValues.integerOrNull;

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
 * live over Server-Sent Events ({@link LogStreams}); with {@code attempt=N}, of that attempt's part
 * of the log only ({@link JobReader.AttemptPart}).
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
      @RequestParam(name = "tail_chars", required = false) String tailChars,
      @RequestParam(required = false) String attempt) {
    return jobs.logTail(
        caller,
        id,
        integer("pod", pod, 0),
        integer("tail_chars", tailChars, JobReader.MAX_TAIL_CHARS),
        integerOrNull("attempt", attempt));
  }

  @GetMapping(value = "/{id}/log", produces = MediaType.TEXT_PLAIN_VALUE)
  String logText(
      Caller caller,
      @PathVariable String id,
      @RequestParam(required = false) String pod,
      @RequestParam(name = "tail_chars", required = false) String tailChars,
      @RequestParam(required = false) String attempt) {
    return log(caller, id, pod, tailChars, attempt).content();
  }

  @GetMapping(value = "/{id}/log/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  void followLog(
      Caller caller,
      @PathVariable String id,
      @RequestParam(required = false) String pod,
      @RequestParam(required = false) String offset,
      @RequestParam(required = false) String attempt,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      HttpServletRequest request,
      HttpServletResponse response) {
    int podIndex = integer("pod", pod, 0);
    Integer attemptNumber = integerOrNull("attempt", attempt);
    String field = lastEventId != null && !lastEventId.isBlank() ? "Last-Event-ID" : "offset";
    String position = field.equals("offset") ? offset : lastEventId;
    long from = byteOffset(field, position);
    Job job = jobs.logReadable(caller, id, podIndex);
    if (attemptNumber != null) {
      JobReader.AttemptPart part = jobs.attemptPart(job, podIndex, attemptNumber);
      // Offsets are the whole log's: one before the attempt's part (0 when none is given) starts
      // at the part's first byte, as there is nothing of the attempt before it.
      from = Math.max(from, part.start());
      if (part.ended() && from > part.end()) {
        throw ApiException.invalid(
            field,
            "is past the end of attempt "
                + attemptNumber
                + "'s part of pod "
                + podIndex
                + "'s log of job "
                + id
                + ", which is bytes "
                + part.start()
                + " to "
                + part.end()
                + ", not "
                + from);
      }
    } else if (job.status().isTerminal()) {
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
    logStreams.follow(
        caller, id, podIndex, from, attemptNumber == null ? 0 : attemptNumber, request, response);
  }
}
