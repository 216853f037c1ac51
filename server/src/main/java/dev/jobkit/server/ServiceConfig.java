package dev.jobkit.server;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.api.Location;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/**
 * The database (the embedded H2 file under the data dir unless {@code jobkit.datasource.url} is
 * set) and the strict JSON reading every request goes through.
 */
@Configuration(proxyBeanMethods = false)
class ServiceConfig {

  /** Where the embedded database's baseline migration is. */
  static final String EMBEDDED_BASELINE = "classpath:db/baseline/h2";

  @Bean
  DataSource dataSource(JobkitProperties properties) {
    HikariDataSource pool = new HikariDataSource();
    String url = properties.datasource().url();
    if (embedded(properties)) {
      Path dir = properties.dataDir().toAbsolutePath().normalize();
      try {
        // Private from the first moment; DataDirModes sets the modes of what already exists.
        Files.createDirectories(
            dir.resolve("db"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the data dir " + dir, e);
      }
      // H2 keeps 8 parsed statements per connection by default; a job's life takes about 15
      // distinct ones, so without a larger cache every statement is parsed again.
      url =
          "jdbc:h2:file:"
              + dir.resolve("db").resolve("jobkit")
              + ";DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=256";
      pool.setUsername("sa");
      pool.setPassword("");
    } else {
      pool.setUsername(properties.datasource().username());
      pool.setPassword(properties.datasource().password());
    }
    pool.setJdbcUrl(url);
    pool.setPoolName("jobkit");
    pool.setMaximumPoolSize(10);
    return pool;
  }

  /**
   * A new embedded database is made from the baseline of migrations 1 to 31 ({@code
   * db/baseline/h2}) rather than by running them one by one, 0.1 s or more of a first start (see
   * that script). Flyway uses a baseline only on an empty database; PostgreSQL runs the migrations.
   */
  @Bean
  FlywayConfigurationCustomizer embeddedBaseline(JobkitProperties properties) {
    return flyway -> {
      if (embedded(properties)) {
        List<Location> locations = new ArrayList<>(List.of(flyway.getLocations()));
        locations.add(new Location(EMBEDDED_BASELINE));
        flyway.locations(locations.toArray(Location[]::new));
      }
    };
  }

  private static boolean embedded(JobkitProperties properties) {
    String url = properties.datasource().url();
    return url == null || url.isBlank();
  }

  /**
   * The transactions of the stores, written out ({@code spring.autoconfigure.exclude} leaves out
   * Spring Boot's transaction auto-configuration): the service has no {@code @Transactional}
   * method, and the proxy creator that configuration brings read every method's annotations of
   * every bean at start for one.
   */
  @Bean
  TransactionTemplate transactionTemplate(PlatformTransactionManager transactionManager) {
    return new TransactionTemplate(transactionManager);
  }

  @Bean
  JsonMapperBuilderCustomizer strictJson() {
    return builder ->
        builder
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // Jackson truncates 1.5 to 1 for an int field unless told not to.
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            // ALLOW_COERCION_OF_SCALARS does not stop 5 or true from being read as "5" or "true"
            // for a string field; these do.
            .withCoercionConfig(
                LogicalType.Textual,
                c ->
                    c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
  }
}
