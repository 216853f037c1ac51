package dev.jobkit.sdk.internal;

import java.util.List;

/**
 * An answer without paging, {@code {"items": [...]}}: of {@code GET /api/v1/datasets}, {@code
 * /models} and {@code /results}, newest first.
 *
 * @param items the records; empty, never null, when there are none
 * @param <T> the record type
 */
public record Items<T>(List<T> items) {

  /**
   * The answer as read; a missing list is read as empty.
   *
   * @param items the records
   */
  public Items {
    items = items == null ? List.of() : List.copyOf(items);
  }
}
