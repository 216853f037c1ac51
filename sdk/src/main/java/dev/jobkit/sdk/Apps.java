package dev.jobkit.sdk;

import dev.jobkit.sdk.apps.App;
import dev.jobkit.sdk.apps.AppSpec;
import dev.jobkit.sdk.internal.JobApi;
import java.util.List;

/**
 * Apps: named, versioned job templates that users run with {@code jobs().submit(AppRun)}. Every
 * user reads them; only an admin puts and deletes them.
 *
 * <pre>{@code
 * App app = admin.apps().put("echo", AppSpec.builder().command("echo", "{text}")
 *     .parameters(Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string"))))
 *     .build());
 * Job job = user.jobs().submit(AppRun.of("echo").param("text", "hello").build());
 * }</pre>
 */
public final class Apps {

  private final JobApi api;
  private final Calls calls;

  Apps(JobApi api, Calls calls) {
    this.api = api;
    this.calls = calls;
  }

  /**
   * The latest version of every app, by name.
   *
   * @return the apps; empty when there are none
   */
  public List<App> list() {
    return calls.run(api::apps).items();
  }

  /**
   * The latest version of an app.
   *
   * @param name the app's name
   * @return the app
   * @throws NotFoundException if there is no app of that name (or it was deleted)
   */
  public App get(String name) {
    return calls.run(() -> api.app(name, null));
  }

  /**
   * One version of an app.
   *
   * @param name the app's name
   * @param version a version the service gave it
   * @return that version
   * @throws NotFoundException if the app or that version does not exist
   */
  public App get(String name, int version) {
    return calls.run(() -> api.app(name, version));
  }

  /**
   * Every version of an app, oldest first.
   *
   * @param name the app's name
   * @return its versions
   * @throws NotFoundException if there is no app of that name
   */
  public List<App> versions(String name) {
    return calls.run(() -> api.appVersions(name)).items();
  }

  /**
   * Defines an app, or its next version (admin). Not retried: a lost answer would make the retry a
   * version of its own.
   *
   * @param name the app's name: lowercase letters, digits and '-', starting with a letter
   * @param spec its definition
   * @return the app with the version the service gave it
   * @throws ForbiddenException if the key is not an admin's
   * @throws ValidationException naming each wrong field of the spec and why
   */
  public App put(String name, AppSpec spec) {
    return calls.once(() -> api.putApp(name, spec));
  }

  /**
   * Deletes an app with all its versions (admin); jobs that ran it keep their record. Not retried:
   * a lost answer would make the retry a 404.
   *
   * @param name the app's name
   * @throws ForbiddenException if the key is not an admin's
   * @throws NotFoundException if there is no app of that name
   */
  public void delete(String name) {
    calls.once(
        () -> {
          api.deleteApp(name);
          return null;
        });
  }
}
