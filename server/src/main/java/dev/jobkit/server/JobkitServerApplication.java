package dev.jobkit.server;

import dev.jobkit.server.worker.ExternalWorker;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.core.metrics.jfr.FlightRecorderApplicationStartup;

/**
 * The Jobkit job service: {@code java -jar jobkit-server.jar --jobkit.data-dir=DIR}; with {@code
 * worker} first, an external worker instead ({@code java -jar jobkit-server.jar worker --url …},
 * what {@code jobkit worker} runs), which starts no service.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class JobkitServerApplication {

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("worker")) {
      System.exit(ExternalWorker.main(Arrays.copyOfRange(args, 1, args.length)));
    }
    SpringApplication application = new SpringApplication(JobkitServerApplication.class);
    if (Boolean.getBoolean("jobkit.startup.jfr")) {
      // Each step of the context's start (a bean's creation, a configuration class's parsing)
      // becomes a JFR event, for a recording started with -XX:StartFlightRecording.
      application.setApplicationStartup(new FlightRecorderApplicationStartup());
    }
    application.run(args);
  }
}
