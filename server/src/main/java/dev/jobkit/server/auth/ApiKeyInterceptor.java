package dev.jobkit.server.auth;

import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.users.Role;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.store.UserStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Authenticates every {@code /api/**} request by its API key or a running job's token, and records
 * the caller for the controllers. An agent acting with a user's key says so with {@code
 * X-Jobkit-Actor-Kind: agent}, which marks its events in the audit trail; a job's token is always
 * actor kind {@code job}.
 *
 * <p>A worker key ({@code role worker}) calls the worker protocol ({@code /api/v1/internal/…}) and
 * {@code /api/v1/me}, nothing else: it runs jobs, it does not submit, read or stop them.
 *
 * <p>A share token ({@link ShareTokens}) reads one job and nothing else ({@link SharedReads}). It
 * may also come as the query parameter {@value #SHARE_TOKEN_PARAMETER}, so that a link alone works
 * in a browser; that parameter takes share tokens only, never an API key or a job token, which
 * would otherwise end up in browser histories and access logs.
 */
@Component
public class ApiKeyInterceptor implements HandlerInterceptor {

  static final String CALLER = ApiKeyInterceptor.class.getName() + ".caller";

  /** The query parameter a share token may come in. */
  static final String SHARE_TOKEN_PARAMETER = "share_token";

  private final UserStore users;
  private final HashedJobTokens jobTokens;
  private final ShareTokens shareTokens;

  ApiKeyInterceptor(UserStore users, HashedJobTokens jobTokens, ShareTokens shareTokens) {
    this.users = users;
    this.jobTokens = jobTokens;
    this.shareTokens = shareTokens;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object h) {
    String key = keyOf(request);
    if (key == null) {
      key = shareTokenParameter(request);
    }
    if (key == null) {
      throw ApiException.unauthorized(
          "no API key: send it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'");
    }
    if (ShareTokens.isShareToken(key)) {
      // Checked on every request, without a cache: a revoked token fails at its next use.
      ShareTokens.Grant grant = shareTokens.authenticate(key);
      SharedReads.check(request, grant.jobId());
      request.setAttribute(CALLER, Caller.sharing(grant));
      return true;
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
    if (user.role() == Role.WORKER && !workerMayCall(request.getRequestURI())) {
      throw ApiException.forbidden(
          "a worker key calls only the worker protocol (/api/v1/internal/...) and"
              + " /api/v1/me; use a user's key for the rest of the API");
    }
    request.setAttribute(CALLER, new Caller(user.name(), user.role(), kind));
    return true;
  }

  /** What a worker key may call: the worker protocol, and who it is. */
  private static boolean workerMayCall(String path) {
    return path.startsWith("/api/v1/internal/") || path.equals("/api/v1/me");
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

  /**
   * The share token of the query string's {@value #SHARE_TOKEN_PARAMETER}, or null if there is
   * none. Read from the query string itself, not {@code getParameter}, which would read a form
   * body. Anything but a share token there is refused: keys do not travel in URLs.
   */
  private static String shareTokenParameter(HttpServletRequest request) {
    String query = request.getQueryString();
    if (query == null) {
      return null;
    }
    String token = null;
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (!name.equals(SHARE_TOKEN_PARAMETER)) {
        continue;
      }
      String value;
      try {
        value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException undecodable) {
        value = "";
      }
      if (token != null || !ShareTokens.isShareToken(value.strip())) {
        throw ApiException.unauthorized(
            "the query parameter "
                + SHARE_TOKEN_PARAMETER
                + " takes one share token (jks_…) and nothing else; send an API key as"
                + " 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'");
      }
      token = value.strip();
    }
    return token;
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
