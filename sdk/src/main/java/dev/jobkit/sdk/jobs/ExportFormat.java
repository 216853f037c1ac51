package dev.jobkit.sdk.jobs;

import java.util.Locale;

/** The forms of a job export ({@code GET /api/v1/jobs/export?format=}). */
public enum ExportFormat {
  /**
   * RFC 4180 CSV with a header row, one job a record; a cell that starts with {@code =}, {@code +},
   * {@code -}, {@code @}, a tab or a carriage return is led by {@code '}, so that no spreadsheet
   * program runs it as a formula.
   */
  CSV,
  /** One JSON array of the jobs, each as {@code GET /api/v1/jobs/{id}} answers it. */
  JSON;

  /**
   * The name the service takes.
   *
   * @return {@code csv} or {@code json}
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
