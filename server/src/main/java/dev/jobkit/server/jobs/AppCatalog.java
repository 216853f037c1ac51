package dev.jobkit.server.jobs;

import dev.jobkit.sdk.apps.App;
import dev.jobkit.sdk.apps.AppSpec;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.ml.ShippedApps;
import dev.jobkit.server.store.AppStore;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * The service's apps: every user reads them, an admin puts (a new version each time, checked by
 * {@link AppValidator}) and deletes them. Jobs that ran a deleted app keep their record.
 */
@Service
public class AppCatalog {

  private final AppStore store;
  private final AppValidator validator;

  AppCatalog(AppStore store, AppValidator validator) {
    this.store = store;
    this.validator = validator;
  }

  public List<App> list() {
    return store.latestOfEach();
  }

  /** The latest version, or {@code version}; 404 naming what is missing. */
  public App get(String name, Integer version) {
    if (version == null) {
      return store.latest(name).orElseThrow(() -> noApp(name));
    }
    return store
        .version(name, version)
        .orElseThrow(
            () ->
                store.latest(name).isPresent()
                    ? ApiException.notFound(
                        "app '" + name + "' has no version " + version + "; see its versions")
                    : noApp(name));
  }

  public List<App> versions(String name) {
    List<App> versions = store.versions(name);
    if (versions.isEmpty()) {
      throw noApp(name);
    }
    return versions;
  }

  public App put(Caller caller, String name, AppSpec spec) {
    requireAdmin(caller);
    refuseShipped(name, "replaced");
    SpecValidator.throwIfAny(validator.check(name, spec));
    return store.put(name, spec, caller.name());
  }

  public void delete(Caller caller, String name) {
    requireAdmin(caller);
    refuseShipped(name, "deleted");
    if (!store.delete(name)) {
      throw noApp(name);
    }
  }

  /**
   * The shipped apps are the service's: the train/predict routes and the model and result records
   * depend on what they run, so not even an admin may change them (a new release does).
   */
  private static void refuseShipped(String name, String what) {
    if (ShippedApps.isShipped(name)) {
      throw ApiException.forbidden(
          "app '"
              + name
              + "' ships with the service and cannot be "
              + what
              + "; put your own app under another name");
    }
  }

  private static ApiException noApp(String name) {
    return ApiException.notFound("no app named '" + name + "'");
  }

  private static void requireAdmin(Caller caller) {
    if (!caller.isAdmin()) {
      throw ApiException.forbidden(
          "only an admin may put or delete apps; every user may read them");
    }
  }
}
