package dev.jobkit.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;

/**
 * Which Tomcat base directories a starting service deletes: those whose service is gone (nobody
 * holds their lock), never one a live service holds, in this JVM or another process.
 */
class TomcatBaseDirectoryTest {

  @TempDir Path tmp;
  private UserPrincipal self;

  @BeforeEach
  void owner() throws IOException {
    self = Files.getOwner(tmp);
  }

  /**
   * A base directory as a service makes it, with something of Tomcat's in it, last changed longer
   * ago than a service takes to lock it.
   */
  private Path baseDirectory(String name) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve(TomcatBaseDirectory.PREFIX + name));
    Files.createDirectories(dir.resolve("work/Tomcat/localhost/ROOT"));
    Files.createFile(dir.resolve(TomcatBaseDirectory.LOCK));
    changedAgo(dir, TomcatBaseDirectory.STARTING.plusSeconds(5));
    return dir;
  }

  private static void changedAgo(Path dir, Duration ago) throws IOException {
    Files.setLastModifiedTime(dir, FileTime.from(Instant.now().minus(ago)));
  }

  /**
   * Another JVM running one of two programs on {@code lockFile}: {@code Locker} locks it, prints
   * "locked" and holds it until its stdin ends; {@code Probe} prints whether the file is "held".
   */
  private Process start(String program, Path lockFile) throws IOException {
    Path source = tmp.resolve(program + ".java");
    Files.writeString(
        source,
        "import java.nio.channels.FileChannel; import java.nio.file.*;\n"
            + "public class "
            + program
            + " { public static void main(String[] a) throws Exception {\n"
            + "  FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.WRITE);\n"
            + (program.equals("Locker")
                ? "  c.lock(); System.out.println(\"locked\"); System.out.flush(); System.in.read();"
                : "  System.out.println(c.tryLock() == null ? \"held\" : \"free\");")
            + " } }\n");
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            source.toString(),
            lockFile.toString())
        .redirectErrorStream(true)
        .start();
  }

  private BufferedReader run(String program, Path lockFile) throws IOException {
    return output(start(program, lockFile));
  }

  private static BufferedReader output(Process process) {
    return new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  @Test
  void the_directory_of_a_service_that_is_gone_is_deleted() throws IOException {
    Path gone = baseDirectory("gone");

    TomcatBaseDirectory.removeLeftovers(tmp, self);

    assertThat(gone).doesNotExist();
  }

  @Test
  void the_directory_of_a_service_of_this_jvm_is_kept_and_its_lock_still_held() throws Exception {
    TomcatBaseDirectory service = new TomcatBaseDirectory();
    service.customize(new TomcatServletWebServerFactory());
    Path live = service.directory();
    try {
      changedAgo(live, TomcatBaseDirectory.STARTING.plusSeconds(5));

      TomcatBaseDirectory.removeLeftovers(live.getParent(), self);

      assertThat(live).isDirectory();
      // Seen from another process: the sweep did not let go of the lock (closing any channel of a
      // file lets go of all the process's locks on it).
      assertThat(run("Probe", live.resolve(TomcatBaseDirectory.LOCK)).readLine()).isEqualTo("held");
    } finally {
      service.destroy();
    }
    assertThat(live).doesNotExist();
  }

  @Test
  void the_directory_of_a_service_in_another_process_is_kept_until_that_process_ends()
      throws Exception {
    Path live = baseDirectory("other-process");
    Process holder = start("Locker", live.resolve(TomcatBaseDirectory.LOCK));
    try (BufferedReader out = output(holder)) {
      assertThat(out.readLine()).isEqualTo("locked");

      TomcatBaseDirectory.removeLeftovers(tmp, self);
      assertThat(live.resolve("work")).isDirectory();

      holder.getOutputStream().close(); // the holder ends, and the system lets go of its lock
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
      TomcatBaseDirectory.removeLeftovers(tmp, self);
      assertThat(live).doesNotExist();
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void one_its_service_may_still_be_locking_is_kept() throws IOException {
    Path justMade = baseDirectory("just-made");
    changedAgo(justMade, Duration.ofSeconds(1));
    Path withoutLockFile = baseDirectory("without-lock-file");
    Files.delete(withoutLockFile.resolve(TomcatBaseDirectory.LOCK));
    changedAgo(withoutLockFile, TomcatBaseDirectory.STARTING.plusSeconds(5));
    Path oldWithoutLockFile = baseDirectory("old-without-lock-file");
    Files.delete(oldWithoutLockFile.resolve(TomcatBaseDirectory.LOCK));
    changedAgo(oldWithoutLockFile, TomcatBaseDirectory.UNLOCKED_GRACE.plusSeconds(60));

    TomcatBaseDirectory.removeLeftovers(tmp, self);

    assertThat(justMade).isDirectory();
    assertThat(withoutLockFile).isDirectory();
    assertThat(oldWithoutLockFile).doesNotExist();
  }

  @Test
  void links_other_names_and_other_users_directories_are_left_alone() throws IOException {
    Path target = Files.createDirectory(tmp.resolve("elsewhere"));
    Files.createFile(target.resolve(TomcatBaseDirectory.LOCK));
    Path link = Files.createSymbolicLink(tmp.resolve(TomcatBaseDirectory.PREFIX + "link"), target);
    Path otherName = Files.createDirectory(tmp.resolve("tomcat.8080.1"));
    Path gone = baseDirectory("someone-elses");
    UserPrincipal nobody =
        tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");

    TomcatBaseDirectory.removeLeftovers(tmp, nobody);

    assertThat(link).isSymbolicLink();
    assertThat(target.resolve(TomcatBaseDirectory.LOCK)).exists();
    assertThat(otherName).isDirectory();
    assertThat(gone).isDirectory();
  }
}
