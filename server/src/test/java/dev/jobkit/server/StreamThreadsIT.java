package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.RawStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * What open streams cost in threads: none each.
 *
 * <p>Isolated: it counts the threads of the whole JVM, which tells no service's threads from
 * another's, and every other class's services start and end threads at any moment. It starts its
 * service inside the test, so that what the service itself runs is counted too. (It was a test of
 * {@link SlowReadersIT}, which runs alongside other classes.)
 */
@Isolated
class StreamThreadsIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void a_hundred_open_event_streams_cost_no_thread_each() {
    long jobkitWithoutIt = jobkitThreads();
    try (JobkitServer server = JobkitServer.start()) {
      Api admin = server.admin();
      List<String> keys = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        keys.add(server.newUser("t" + i, "parallel").key());
      }
      long jobkitBefore = jobkitThreads();
      int allBefore = Thread.getAllStackTraces().size();
      List<RawStream> open = new ArrayList<>();
      try {
        for (int i = 0; i < 100; i++) {
          RawStream s = RawStream.open(server, keys.get(i % 4), "/api/v1/events/stream");
          open.add(s);
          assertThat(s.status()).isEqualTo(200);
        }
        Job job = admin.submitShell("echo hi");
        admin.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

        long jobkitAfter = jobkitThreads();
        int allAfter = Thread.getAllStackTraces().size();
        assertThat(jobkitAfter - jobkitWithoutIt)
            .as("jobkit-* threads of the service with 100 streams open")
            .isLessThan(20);
        // What a hundred streams and one job may start, each pool once: the catch-up pool of the
        // event streams (2: every stream catches up from its subscription point), and the job's
        // launch, log and exit threads. A thread per stream would be a hundred.
        assertThat(jobkitAfter - jobkitBefore)
            .as("jobkit-* threads the streams added: %s", jobkitThreadNames())
            .isLessThan(10);
        assertThat(allAfter - allBefore).as("threads of this JVM the streams added").isLessThan(30);
      } finally {
        open.forEach(RawStream::close);
      }
    }
  }

  private static List<String> jobkitThreadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("jobkit-"))
        .map(Thread::getName)
        .sorted()
        .toList();
  }

  private static long jobkitThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("jobkit-"))
        .count();
  }
}
