package dev.jobkit.server.api;

import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.jobs.JobReader;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/events/stream}: live events (transitions, renames, visibility changes) of every
 * visible job, or of one.
 */
@RestController
class EventController {

  private final EventHub hub;
  private final JobReader jobs;

  EventController(EventHub hub, JobReader jobs) {
    this.hub = hub;
    this.jobs = jobs;
  }

  @GetMapping(value = "/api/v1/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  void stream(
      Caller caller,
      @RequestParam(name = "job_id", required = false) String jobId,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      HttpServletRequest request,
      HttpServletResponse response) {
    if (jobId != null) {
      jobs.get(caller, jobId); // 404 unless visible
    }
    Long after = null;
    if (lastEventId != null && !lastEventId.isBlank()) {
      try {
        after = Long.parseLong(lastEventId.strip());
      } catch (NumberFormatException e) {
        after = -1L;
      }
      // Ids start at 1: a negative one (or one Long.parseLong reads but no stream writes) was
      // never sent, and taken as it is, -1 would replay the whole history.
      if (after < 0 || !lastEventId.strip().equals(Long.toString(after))) {
        throw ApiException.invalid(
            "Last-Event-ID",
            "must be the id of an event this stream sent (a whole number ≥ 0), not '"
                + lastEventId
                + "'");
      }
    }
    hub.subscribe(caller, jobId, after, request, response);
  }
}
