package dev.jobkit.server.engine;

import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.store.CommittedEventListener;
import dev.jobkit.server.store.StoredEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The engine's Prometheus metrics, on {@code /metrics}: {@code jobkit_transitions_total} by the
 * state entered, and the slots in use.
 */
@Component
class JobMetrics implements CommittedEventListener {

  private final Map<JobStatus, Counter> transitions = new EnumMap<>(JobStatus.class);

  JobMetrics(MeterRegistry registry, Capacity capacity) {
    for (JobStatus status : JobStatus.values()) {
      transitions.put(
          status,
          Counter.builder("jobkit.transitions")
              .description("Job transitions committed, by the state entered")
              .tag("to", status.name())
              .register(registry));
    }
    Gauge.builder("jobkit.executor.slots.used", capacity, c -> c.slots() - c.freeSlots())
        .description("Executor slots held by claimed or running jobs")
        .register(registry);
    Gauge.builder("jobkit.executor.slots", capacity, Capacity::slots)
        .description("Executor slots in all")
        .register(registry);
  }

  @Override
  public void committed(List<StoredEvent> events) {
    for (StoredEvent e : events) {
      if (e.event().isTransition()) { // a rename leaves the status as it was
        transitions.get(e.event().toStatus()).increment();
      }
    }
  }
}
