package dev.jobkit.server.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;

/**
 * Tomcat's base directory, deleted when the service stops. Spring Boot makes one in the temporary
 * directory at each start and asks the JVM to delete it at exit, which fails because Tomcat's work
 * directory is in it by then (spring-boot#9983): every start left a {@code tomcat.<port>.<n>} tree
 * in {@code /tmp}. Made the same way (mode {@code 0700}) and deleted once the web server is
 * stopped; {@code server.tomcat.basedir}, when set, is left as it is.
 */
@Component
class TomcatBaseDirectory
    implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, DisposableBean, Ordered {

  private volatile Path directory;

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    if (factory.getBaseDirectory() != null) {
      return; // server.tomcat.basedir
    }
    try {
      directory = Files.createTempDirectory("jobkit-tomcat-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot make a base directory for Tomcat", e);
    }
    factory.setBaseDirectory(directory.toFile());
  }

  /** The directory made for Tomcat, if one was. */
  Path directory() {
    return directory;
  }

  @Override
  public void destroy() throws IOException {
    Path made = directory;
    if (made != null) {
      FileSystemUtils.deleteRecursively(made);
    }
  }

  @Override
  public int getOrder() {
    // After Boot's own customizer, which applies server.tomcat.basedir.
    return Ordered.LOWEST_PRECEDENCE;
  }
}
