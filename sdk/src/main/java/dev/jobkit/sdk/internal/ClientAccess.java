package dev.jobkit.sdk.internal;

/**
 * Lets other SDK packages reach a client's plumbing without making it public API (OkHttp's {@code
 * Internal} pattern): {@code JobkitClient} installs the one instance when it loads.
 */
public abstract class ClientAccess {

  /** Set by {@code JobkitClient}'s class initializer. */
  public static volatile ClientAccess instance;

  /** The client's Feign interface. */
  public abstract JobApi api(Object client);

  /** The client's retry wrapper. */
  public abstract Calls calls(Object client);

  /** Makes sure {@code JobkitClient} is loaded, so that {@link #instance} is set. */
  public static ClientAccess get(Class<?> clientClass) {
    try {
      Class.forName(clientClass.getName(), true, clientClass.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
    return instance;
  }
}
