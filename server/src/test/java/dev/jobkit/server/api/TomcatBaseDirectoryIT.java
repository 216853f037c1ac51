package dev.jobkit.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service leaves no Tomcat directory behind in the temporary directory; one killed outright
 * leaves it only until the next service starts.
 */
class TomcatBaseDirectoryIT {

  @Test
  void tomcats_base_directory_is_private_to_the_service_and_gone_when_it_stops() throws Exception {
    Path base;
    try (JobkitServer server = JobkitServer.start()) {
      base = server.bean(TomcatBaseDirectory.class).directory();
      assertThat(base.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(base)))
          .isEqualTo("rwx------");
      // What Tomcat keeps there, and what Spring Boot's own directory was left holding.
      try (var tree = Files.walk(base)) {
        assertThat(tree).anyMatch(path -> path.endsWith("work"));
      }
      server.admin().get("/api/v1/jobs").expect(200);
    }
    assertThat(base).doesNotExist();
  }

  @Test
  void a_service_killed_outright_leaves_its_directory_only_until_the_next_start(@TempDir Path dir)
      throws Exception {
    Path left;
    try (ServiceProcess killed = ServiceProcess.start(dir.resolve("data"), dir.resolve("log"))) {
      left = tomcatDirectoryOf(killed.pid());
      killed.kill();
    }
    assertThat(left.resolve("work")).isDirectory(); // it could not delete it
    // Made longer ago than a service takes to lock its own (until then a start leaves it).
    Files.setLastModifiedTime(
        left, FileTime.from(Instant.now().minus(TomcatBaseDirectory.STARTING).minusSeconds(5)));

    try (JobkitServer next = JobkitServer.start()) {
      assertThat(left).doesNotExist();
      assertThat(next.bean(TomcatBaseDirectory.class).directory()).isDirectory();
    }
  }

  /** The base directory whose lock process {@code pid} holds open. */
  private static Path tomcatDirectoryOf(long pid) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.map(TomcatBaseDirectoryIT::target)
          .filter(
              f ->
                  f != null
                      && f.getFileName().toString().equals(TomcatBaseDirectory.LOCK)
                      && f.getParent()
                          .getFileName()
                          .toString()
                          .startsWith(TomcatBaseDirectory.PREFIX))
          .map(Path::getParent)
          .findFirst()
          .orElseThrow(() -> new AssertionError("process " + pid + " holds no Tomcat lock"));
    }
  }

  private static Path target(Path fd) {
    try {
      return Files.readSymbolicLink(fd);
    } catch (IOException closedMeanwhile) {
      return null;
    }
  }
}
