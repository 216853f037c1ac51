package dev.jobkit.server.webhooks;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.webhooks.Delivery;
import dev.jobkit.sdk.webhooks.Webhook;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.store.StoredText;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * Makes, reads and deletes webhooks for a caller: a user's own, an admin's any by id. Another
 * user's webhook is answered as missing, never as forbidden, so ids tell nothing.
 */
@Service
class Webhooks {

  static final String MAX_SETTING = "jobkit.webhooks.max-per-user";
  static final int MAX_URL = 2048;
  static final int MAX_FILTER_VALUES = 100;
  static final int DEFAULT_DELIVERIES = 50;
  static final int MAX_DELIVERIES = 500;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** What {@code POST /api/v1/webhooks} takes. */
  record Request(
      String url, List<String> statuses, List<String> apps, List<String> owners, String secret) {}

  private final WebhookStore store;
  private final WebhookSettings settings;
  private final WebhookDispatcher dispatcher;

  Webhooks(WebhookStore store, WebhookSettings settings, WebhookDispatcher dispatcher) {
    this.store = store;
    this.settings = settings;
    this.dispatcher = dispatcher;
  }

  Webhook create(Caller caller, Request request) {
    if (request == null) {
      throw ApiException.invalid("url", "is required");
    }
    List<FieldError> errors = new ArrayList<>();
    String url = url(request.url(), errors);
    List<JobStatus> statuses = new ArrayList<>();
    for (String value : values("statuses", request.statuses(), errors)) {
      try {
        JobStatus status = JobStatus.parse(value);
        if (!statuses.contains(status)) {
          statuses.add(status);
        }
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError("statuses", e.getMessage()));
      }
    }
    List<String> apps = values("apps", request.apps(), errors);
    List<String> owners = values("owners", request.owners(), errors);
    if (!caller.isAdmin()) {
      // A user is told of their own jobs only; naming themselves, or no one, says the same.
      if (owners.stream().anyMatch(o -> !o.equals(caller.name()))) {
        errors.add(
            new FieldError(
                "owners",
                "only an admin may be told of other users' jobs; leave owners out to be told of"
                    + " your own"));
      }
      owners = List.of(caller.name());
    }
    String secret = secret(request.secret(), errors);
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    WebhookStore.Row row =
        store
            .create(settings.maxPerUser(), caller.name(), url, statuses, apps, owners, secret)
            .orElseThrow(() -> tooMany(caller));
    dispatcher.wake();
    Webhook shown = row.shown();
    return new Webhook(
        shown.id(),
        shown.owner(),
        shown.url(),
        shown.statuses(),
        shown.apps(),
        shown.owners(),
        secret,
        shown.createdAt());
  }

  private ApiException tooMany(Caller caller) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("limit", settings.maxPerUser());
    props.put("webhooks", store.countOf(caller.name()));
    props.put("setting", MAX_SETTING);
    return ApiException.rateLimited(
        caller.name()
            + " has "
            + settings.maxPerUser()
            + " webhooks, the most one user may have ("
            + MAX_SETTING
            + "); nothing was made. Delete one you no longer need, or widen the filters of one"
            + " you have",
        props);
  }

  List<Webhook> list(Caller caller) {
    return store.ofOwner(caller.name()).stream().map(WebhookStore.Row::shown).toList();
  }

  Webhook get(Caller caller, String id) {
    return visible(caller, id).shown();
  }

  void delete(Caller caller, String id) {
    visible(caller, id);
    if (!store.delete(id)) {
      throw notFound(id);
    }
  }

  List<Delivery> deliveries(Caller caller, String id, String limit) {
    int n = DEFAULT_DELIVERIES;
    if (limit != null && !limit.isBlank()) {
      try {
        n = Integer.parseInt(limit.strip());
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > MAX_DELIVERIES) {
        throw ApiException.invalid(
            "limit",
            "must be a whole number from 1 to " + MAX_DELIVERIES + ", not '" + limit + "'");
      }
    }
    visible(caller, id);
    return store.deliveries(id, n);
  }

  private WebhookStore.Row visible(Caller caller, String id) {
    return store
        .find(id)
        .filter(row -> caller.isAdmin() || row.owner().equals(caller.name()))
        .orElseThrow(() -> notFound(id));
  }

  private static ApiException notFound(String id) {
    return ApiException.notFound(
        "no webhook " + id + " (it does not exist, or you may not see it)");
  }

  private String url(String text, List<FieldError> errors) {
    if (text == null || text.isBlank()) {
      errors.add(new FieldError("url", "is required: the http or https URL to POST to"));
      return null;
    }
    if (text.length() > MAX_URL) {
      errors.add(new FieldError("url", "is longer than " + MAX_URL + " characters"));
      return null;
    }
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      errors.add(new FieldError("url", "is not a URL: " + e.getMessage()));
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      errors.add(
          new FieldError(
              "url", "must be an http or https URL, not '" + StoredText.cut(text, 100) + "'"));
      return null;
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      errors.add(new FieldError("url", "names no host"));
      return null;
    }
    if (uri.getRawUserInfo() != null) {
      errors.add(
          new FieldError(
              "url",
              "must not hold a user or password: it is shown to whoever reads the webhook; the"
                  + " signature tells the receiver who sent it"));
      return null;
    }
    if (uri.getRawFragment() != null) {
      errors.add(new FieldError("url", "must not have a #fragment"));
      return null;
    }
    if (!settings.allows(uri.getHost())) {
      errors.add(
          new FieldError(
              "url",
              "host "
                  + uri.getHost()
                  + " is not one of the hosts this service sends webhooks to"
                  + " (jobkit.webhooks.allowed-hosts)"));
      return null;
    }
    return uri.toString();
  }

  private static List<String> values(String field, List<String> given, List<FieldError> errors) {
    if (given == null) {
      return List.of();
    }
    if (given.size() > MAX_FILTER_VALUES) {
      errors.add(new FieldError(field, "holds more than " + MAX_FILTER_VALUES + " values"));
      return List.of();
    }
    Set<String> values = new LinkedHashSet<>();
    for (String value : given) {
      if (value == null || value.isBlank()) {
        errors.add(new FieldError(field, "must not hold an empty value"));
      } else if (value.length() > 64) {
        errors.add(new FieldError(field, "holds a value longer than 64 characters"));
      } else if (StoredText.unstorable(value).isPresent()) {
        errors.add(new FieldError(field, StoredText.unstorable(value).get()));
      } else {
        values.add(value.strip());
      }
    }
    return List.copyOf(values);
  }

  private static String secret(String given, List<FieldError> errors) {
    if (given == null) {
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
    if (given.length() < 16 || given.length() > 200) {
      errors.add(new FieldError("secret", "must be 16 to 200 characters long"));
    } else if (!given.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      errors.add(
          new FieldError("secret", "must be printable ASCII without spaces (a-z, 0-9, -_ ...)"));
    }
    return given;
  }
}
