package dev.jobkit.server.store;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.JobEvent;

/** A committed event with what is needed to decide who may see it. */
public record StoredEvent(JobEvent event, String owner, Accessibility accessibility) {}
