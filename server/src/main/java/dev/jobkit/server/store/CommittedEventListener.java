package dev.jobkit.server.store;

import java.util.List;

/**
 * Told about events right after their transaction commits, in event-id order. Called while writes
 * are serialized, so an implementation must not block: queue and return.
 */
public interface CommittedEventListener {
  void committed(List<StoredEvent> events);
}
