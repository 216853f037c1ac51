package dev.jobkit.server.auth;

import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.users.Role;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.store.UserStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Authenticates every {@code /api/**} request by its API key or a running job's token, and records
 * the caller for the controllers. An agent acting with a user's key says so with {@code
 * X-Jobkit-Actor-Kind: agent}, which marks its events in the audit trail; a job's token is always
 * actor kind {@code job}.
 */
@Component
public class ApiKeyInterceptor implements HandlerInterceptor {

  static final String CALLER = ApiKeyInterceptor.class.getName() + ".caller";

  private final UserStore users;
  private final HashedJobTokens jobTokens;

  ApiKeyInterceptor(UserStore users, HashedJobTokens jobTokens) {
    this.users = users;
    this.jobTokens = jobTokens;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object h) {
    String key = keyOf(request);
    if (key == null) {
      throw ApiException.unauthorized(
          "no API key: send it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'");
    }
    if (HashedJobTokens.isJobToken(key)) {
      // A job's token: always actor kind job, whatever the header says.
      request.setAttribute(CALLER, jobTokens.authenticate(key));
      return true;
    }
    var user =
        users
            .findByKeyHash(Keys.hash(key))
            .orElseThrow(() -> ApiException.unauthorized("the API key is not valid"));
    ActorKind kind = actorKind(user.role(), request.getHeader("X-Jobkit-Actor-Kind"));
    request.setAttribute(CALLER, new Caller(user.name(), user.role(), kind));
    return true;
  }

  /**
   * The actor kind the caller claims, among those its role may claim: a worker key acts as a worker
   * (saying so, or nothing), a user's or admin's key as a person or an agent. Nobody claims {@code
   * system} (the service's own actions) or another role's kind.
   */
  private static ActorKind actorKind(Role role, String header) {
    if (role == Role.WORKER) {
      if (header == null
          || header.isBlank()
          || header.strip().toLowerCase(Locale.ROOT).equals("worker")) {
        return ActorKind.WORKER;
      }
      throw ApiException.invalid(
          "X-Jobkit-Actor-Kind",
          "a worker key acts as 'worker' only (or send no X-Jobkit-Actor-Kind), not '"
              + header
              + "'");
    }
    if (header == null || header.isBlank()) {
      return ActorKind.USER;
    }
    return switch (header.strip().toLowerCase(Locale.ROOT)) {
      case "user" -> ActorKind.USER;
      case "agent" -> ActorKind.AGENT;
      default ->
          throw ApiException.invalid(
              "X-Jobkit-Actor-Kind", "must be 'user' or 'agent', not '" + header + "'");
    };
  }

  private static String keyOf(HttpServletRequest request) {
    String authorization = request.getHeader("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String key = authorization.substring(7).strip();
      return key.isEmpty() ? null : key;
    }
    String header = request.getHeader("X-Api-Key");
    return header == null || header.isBlank() ? null : header.strip();
  }
}
