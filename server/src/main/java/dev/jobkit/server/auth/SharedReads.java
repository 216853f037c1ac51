package dev.jobkit.server.auth;

import dev.jobkit.server.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The only requests a share token may make: reads ({@code GET}, {@code HEAD}) of its own job, that
 * job's log (tail and follow), events and results, and the event stream of that job alone.
 * Everything else is 403, checked after the route is matched and before its controller runs.
 *
 * <p>The check reads the route's pattern and path variables as Spring matched them, not the raw
 * URI, so encodings, {@code ;} parameters and double slashes cannot make one path look like
 * another. The results routes are allowed by their prefix: one file is {@code
 * /api/v1/jobs/{id}/results/{path…}}, whatever name its pattern gives the rest of the path.
 */
final class SharedReads {

  /** A route of one job a share token may read; group 1 is the name of the job's variable. */
  private static final Pattern JOB_READ =
      Pattern.compile(
          "/api/v1/jobs/\\{(\\w+)}(|/log|/log/stream|/events|/results|/results\\.zip|/results/.+)");

  private static final String EVENT_STREAM = "/api/v1/events/stream";

  private SharedReads() {}

  /** Returns normally if the share token of {@code jobId} may make this request; else 403. */
  static void check(HttpServletRequest request, String jobId) {
    String method = request.getMethod();
    if (("GET".equals(method) || "HEAD".equals(method)) && reads(request, jobId)) {
      return;
    }
    throw ApiException.forbidden(
        "a share token reads only job "
            + jobId
            + " (GET of the job, its log, its events, its results, and the event stream with"
            + " job_id="
            + jobId
            + "); it cannot make this request");
  }

  private static boolean reads(HttpServletRequest request, String jobId) {
    Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    if (!(pattern instanceof String route)) {
      return false;
    }
    if (route.equals(EVENT_STREAM)) {
      String[] ids = request.getParameterValues("job_id");
      return ids != null && ids.length == 1 && jobId.equals(ids[0]);
    }
    Matcher read = JOB_READ.matcher(route);
    if (!read.matches()) {
      return false;
    }
    Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
    return variables instanceof Map<?, ?> values && jobId.equals(values.get(read.group(1)));
  }
}
