package dev.jobkit.sdk.jobs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The copies the records of this package make of their lists and maps: never null (null is read as
 * empty), unmodifiable, in the order given. Unlike {@link List#copyOf} they keep null elements, so
 * that a request the service validates ({@link JobSpec}) reaches its checks as it was sent, and
 * unlike {@link Map#copyOf} they keep the order (of tags, of metrics as the job wrote them).
 */
final class Copies {

  private Copies() {}

  static <T> List<T> list(List<T> list) {
    return list == null || list.isEmpty()
        ? List.of()
        : Collections.unmodifiableList(new ArrayList<>(list));
  }

  static <K, V> Map<K, V> map(Map<K, V> map) {
    return map == null || map.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
