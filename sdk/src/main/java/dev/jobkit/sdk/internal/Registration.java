package dev.jobkit.sdk.internal;

/**
 * The body that registers a file in place as a dataset.
 *
 * @param path the file's absolute path on the service's machine, under a dataset root
 * @param name the dataset's name; null for the file's name
 */
public record Registration(String path, String name) {}
