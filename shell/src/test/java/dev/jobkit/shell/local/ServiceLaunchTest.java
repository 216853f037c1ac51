package dev.jobkit.shell.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.shell.local.Jvms.Jvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which Java the launcher finds, and the command line it starts the service with. */
class ServiceLaunchTest {

  @TempDir Path dir;

  @Test
  void a_java_home_is_read_from_its_release_file_and_old_or_broken_ones_are_not_javas()
      throws IOException {
    assertThat(Jvms.at(home("temurin-25", "JAVA_VERSION=\"25.0.3\"")))
        .contains(new Jvm(dir.resolve("temurin-25"), 25));
    assertThat(Jvms.at(home("openjdk-17", "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"17.0.15\"\n")))
        .map(Jvm::feature)
        .contains(17);
    assertThat(Jvms.at(home("jdk8", "JAVA_VERSION=\"1.8.0_402\""))).map(Jvm::feature).contains(1);
    assertThat(Jvms.at(home("no-version", "IMPLEMENTOR=\"x\""))).isEmpty();
    Files.createDirectories(dir.resolve("no-java"));
    Files.writeString(dir.resolve("no-java/release"), "JAVA_VERSION=\"21\"");
    assertThat(Jvms.at(dir.resolve("no-java"))).isEmpty();
  }

  @Test
  void the_running_java_is_among_those_installed_and_the_chosen_one_is_no_older() {
    assertThat(Jvms.installed()).extracting(Jvm::feature).allMatch(f -> f >= Jvms.FLOOR);
    assertThat(Jvms.chosen().feature()).isGreaterThanOrEqualTo(Runtime.version().feature());
  }

  @Test
  void java_25_maps_an_aot_cache_and_allows_native_access_in_aot_mode() {
    Jvm jvm = new Jvm(Path.of("/jdk25"), 25);
    Path jar = Path.of("/build/service/jobkit-server.jar");
    ServiceLaunch launch =
        new ServiceLaunch(jvm, jar, true, Optional.of(Path.of("/build/service/a.aot")), null);
    assertThat(launch.command())
        .containsExactly(
            "/jdk25/bin/java",
            "--enable-native-access=ALL-UNNAMED",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-XX:AOTCache=/build/service/a.aot",
            "-Xlog:aot*=off",
            "-Xlog:cds*=off",
            "-Dspring.aot.enabled=true",
            "-jar",
            "/build/service/jobkit-server.jar");
    // C1's thresholds are lowered where no AOT cache says what to compile: in its training run,
    // and without one.
    assertThat(ServiceLaunch.training(jvm, jar, Path.of("/build/service/a.aot")).command())
        .containsSubsequence(
            "-XX:CompileThresholdScaling=0.1", "-XX:AOTCacheOutput=/build/service/a.aot");
    assertThat(new ServiceLaunch(jvm, jar, true, Optional.empty(), null).command())
        .contains("-XX:CompileThresholdScaling=0.1");
  }

  @Test
  void java_17_maps_a_cds_archive_and_trains_one_at_exit() {
    Jvm jvm = new Jvm(Path.of("/jdk17"), 17);
    Path jar = Path.of("/build/service/jobkit-server.jar");
    assertThat(new ServiceLaunch(jvm, jar, true, Optional.of(Path.of("/b/s.jsa")), null).command())
        .containsExactly(
            "/jdk17/bin/java",
            "-XX:TieredStopAtLevel=1",
            "-XX:CompileThresholdScaling=0.1",
            "-XX:+UseSerialGC",
            "-XX:SharedArchiveFile=/b/s.jsa",
            "-Xlog:cds*=off",
            "-Dspring.aot.enabled=true",
            "-jar",
            jar.toString());
    assertThat(ServiceLaunch.training(jvm, jar, Path.of("/b/s.jsa")).command())
        .containsExactly(
            "/jdk17/bin/java",
            "-XX:TieredStopAtLevel=1",
            "-XX:CompileThresholdScaling=0.1",
            "-XX:+UseSerialGC",
            "-XX:ArchiveClassesAtExit=/b/s.jsa",
            "-Dspring.aot.enabled=true",
            "-jar",
            jar.toString());
  }

  @Test
  void an_archive_is_used_only_by_the_java_that_made_it() throws IOException {
    Path service = Files.createDirectories(dir.resolve("service"));
    Path jar = dir.resolve("jobkit-server.jar");
    Files.writeString(jar, "");
    Files.writeString(service.resolve("jobkit-server.jar"), "");
    Jvm maker = new Jvm(dir.resolve("jdk25"), 25);
    Files.writeString(service.resolve(ServiceLaunch.archiveName(maker)), "archive");
    ServiceLaunch.recordArchive(service, maker);

    ServiceLaunch same = ServiceLaunch.of(jar, maker);
    assertThat(same.jar()).isEqualTo(service.resolve("jobkit-server.jar"));
    assertThat(same.archive()).contains(service.resolve("jobkit-server.aot"));
    assertThat(same.aotMode()).isTrue();
    ServiceLaunch other = ServiceLaunch.of(jar, new Jvm(dir.resolve("other-jdk25"), 25));
    assertThat(other.jar()).isEqualTo(service.resolve("jobkit-server.jar"));
    assertThat(other.archive()).isEmpty();
  }

  private Path home(String name, String release) throws IOException {
    Path home = dir.resolve(name);
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(home.resolve("release"), release);
    return home;
  }
}
