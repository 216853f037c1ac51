package dev.jobkit.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Jobkit job service: {@code java -jar jobkit-server.jar --jobkit.data-dir=DIR}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class JobkitServerApplication {

  public static void main(String[] args) {
    SpringApplication.run(JobkitServerApplication.class, args);
  }
}
