package dev.jobkit.tools.mcp;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Gates;
import java.time.Duration;

/**
 * Jobs of one user that run until their test opens their {@link Gates gate}, submitted through the
 * SDK: a gated job in one line where a test arranges with the SDK rather than with {@code Api}.
 */
final class GatedJobs {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final JobkitClient client;
  private final Gates gates;

  /** Jobs submitted by {@code client}, held by {@code gates}. */
  GatedJobs(JobkitClient client, Gates gates) {
    this.client = client;
    this.gates = gates;
  }

  /** A shell script that runs until gate {@code name} opens, then exits 0. */
  String script(String name) {
    return gates.script(name);
  }

  /** Submits a job named {@code name} that runs until its gate opens; returns its id. */
  String submit(String name) {
    return client
        .jobs()
        .submit(JobSpec.builder().displayName(name).shell(gates.script(name)).build())
        .id();
  }

  /** Submits a job as {@link #submit} does and returns its id once it is RUNNING. */
  String running(String name) {
    String id = submit(name);
    client.jobs().await(id, s -> s == JobStatus.RUNNING, START_TIMEOUT);
    return id;
  }

  /** Opens gate {@code name}: its job ends SUCCEEDED. */
  void open(String name) {
    gates.open(name);
  }
}
