package dev.jobkit.shell.command;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.springframework.shell.core.command.completion.CompletionProposal;

/** What tab completion proposes for values: job ids (from the service), status names, words. */
public final class Completions {

  private Completions() {}

  /**
   * The ids of the newest jobs in {@code statuses} (all when empty), each shown with its name and
   * state. Nothing when the service is not connected yet: completion never starts a service.
   */
  public static Function<Session, List<CompletionProposal>> jobIds(JobStatus... statuses) {
    return session ->
        session
            .clientIfReady(Duration.ofSeconds(2))
            .map(
                client -> {
                  try {
                    JobQuery query = JobQuery.builder().status(statuses).limit(100).build();
                    return client.jobs().list(query).items().stream()
                        .map(Completions::proposal)
                        .toList();
                  } catch (JobkitException unreachable) {
                    return List.<CompletionProposal>of();
                  }
                })
            .orElse(List.of());
  }

  /** Every status name. */
  public static Function<Session, List<CompletionProposal>> statuses() {
    return session ->
        Arrays.stream(JobStatus.values())
            .map(s -> new CompletionProposal(s.name()).category("status"))
            .toList();
  }

  /** Fixed words. */
  public static Function<Session, List<CompletionProposal>> words(String... words) {
    return session -> Arrays.stream(words).map(CompletionProposal::new).toList();
  }

  private static CompletionProposal proposal(Job job) {
    return new CompletionProposal(job.id())
        .description(job.displayName() + " " + job.status().name())
        .category("jobs");
  }
}
