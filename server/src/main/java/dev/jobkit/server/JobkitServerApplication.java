package dev.jobkit.server;

import dev.jobkit.server.worker.ExternalWorker;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

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
    SpringApplication.run(JobkitServerApplication.class, args);
  }
}
