package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * With no {@code jobkit.data-dir}, the service keeps everything under {@code ~/.jobkit}, or under
 * {@code /var/lib/jobkit} when it runs as root: root's pods run as unprivileged users, who cannot
 * pass through {@code /root}, so a default under root's home would fail every job.
 *
 * <p>Isolated: the service reads the home directory from the JVM's {@code user.home}, which the
 * first test sets for the whole JVM while its service starts; nothing else may run meanwhile.
 */
@Isolated
class DefaultDataDirIT {

  private static final boolean ROOT = new UnixSystem().getUid() == 0;

  @Test
  void without_a_data_dir_setting_the_service_uses_dot_jobkit_in_the_home_directory()
      throws Exception {
    assumeFalse(ROOT, "root's default is /var/lib/jobkit (the next test)");
    Path home = Files.createTempDirectory("jobkit-home-");
    String realHome = System.getProperty("user.home");
    System.setProperty("user.home", home.toString());
    try (ConfigurableApplicationContext service =
        SpringApplication.run(
            JobkitServerApplication.class, "--server.port=0", "--logging.level.root=warn")) {
      assertThat(service.getBean(JobkitProperties.class).dataDir())
          .isEqualTo(home.resolve(".jobkit"));
      assertThat(home.resolve(".jobkit/credentials")).isRegularFile();
      assertThat(home.resolve(".jobkit/db")).isDirectory();
      assertThat(Path.of("${user.home}")).doesNotExist();
    } finally {
      System.setProperty("user.home", realHome);
      FileSystemUtils.deleteRecursively(home);
    }
  }

  @Test
  void as_root_the_default_is_var_lib_jobkit_whatever_the_home_directory() {
    assumeTrue(ROOT, "only root's default differs");
    // Bound as the service binds it, without starting one on the machine's real /var/lib/jobkit
    // (a developer's local service may be using it).
    JobkitProperties properties =
        new Binder(new MapConfigurationPropertySource(Map.of("jobkit.api.max-batch-size", "1000")))
            .bindOrCreate("jobkit", JobkitProperties.class);
    assertThat(properties.dataDir()).isEqualTo(Path.of("/var/lib/jobkit"));
    assertThat(JobkitProperties.defaultDataDir()).isEqualTo(Path.of("/var/lib/jobkit"));
  }
}
