package dev.jobkit.server.store;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.JobEvent;

/**
 * A committed event with what is needed to decide who may see it.
 *
 * @param resultsFinal whether the event's transaction also stored its job's final result manifest
 *     (an end with no result file stores it empty): then nobody need take it after the commit.
 *     False for an event read back from the table.
 */
public record StoredEvent(
    JobEvent event, String owner, Accessibility accessibility, boolean resultsFinal) {

  /** An event whose transaction stored no result manifest. */
  public StoredEvent(JobEvent event, String owner, Accessibility accessibility) {
    this(event, owner, accessibility, false);
  }
}
