package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/** With no {@code jobkit.data-dir}, the service keeps everything under {@code ~/.jobkit}. */
class DefaultDataDirIT {

  @Test
  void without_a_data_dir_setting_the_service_uses_dot_jobkit_in_the_home_directory()
      throws Exception {
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
}
