package dev.jobkit.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.server.support.JobkitServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** A service leaves no Tomcat directory behind in the temporary directory. */
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
}
