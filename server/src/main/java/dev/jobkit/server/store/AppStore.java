package dev.jobkit.server.store;

import dev.jobkit.sdk.apps.App;
import dev.jobkit.sdk.apps.AppSpec;
import java.util.List;
import java.util.Optional;

/**
 * The versions of apps. A put adds the next version of a name; a delete hides every version of it,
 * and a later put of the name goes on from the next number, so a version never names two
 * definitions.
 */
public interface AppStore {

  /** Stores {@code spec} as the next version of {@code name}, put by {@code by}. */
  App put(String name, AppSpec spec, String by);

  /** The latest version of {@code name}, unless it was deleted. */
  Optional<App> latest(String name);

  /** Version {@code version} of {@code name}, unless it was deleted. */
  Optional<App> version(String name, int version);

  /** The versions of {@code name} since it was last deleted, oldest first. */
  List<App> versions(String name);

  /**
   * A version as it was put, deleted or not: what a job submitted with it runs, even when its app
   * was deleted after the submission.
   */
  Optional<App> definition(String name, int version);

  /** The latest version of every app that is not deleted, by name. */
  List<App> latestOfEach();

  /** Hides every version of {@code name}; false if there was none to hide. */
  boolean delete(String name);
}
