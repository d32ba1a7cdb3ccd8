package dev.qedspark.spark;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/**
 * How the Spark session is made.
 *
 * @param master Spark master for runs outside spark-submit; ignored when spark-submit sets one
 * @param appName application name shown in the Spark UI and on the cluster
 * @param logLevel log level of Spark's own loggers
 * @param conf extra Spark settings, passed through as given
 */
public record SparkSettings(
    @JsonPropertyDescription("Spark master when not run by spark-submit (spark-submit's --master wins)")
        String master,
    @JsonPropertyDescription("application name in the Spark UI") String appName,
    @JsonPropertyDescription("level of Spark's own log lines: ERROR, WARN, INFO, DEBUG") String logLevel,
    @JsonPropertyDescription("extra Spark settings, e.g. spark.sql.shuffle.partitions: 64")
        Map<String, String> conf) {

  private static final List<String> LOG_LEVELS =
      List.of("OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL");

  public static final SparkSettings DEFAULTS =
      new SparkSettings("local[*]", "qed-spark", "WARN", Map.of());

  public SparkSettings {
    if (master == null || master.isBlank()) {
      throw new IllegalArgumentException("master must not be empty (e.g. local[*], yarn, k8s://https://host:443)");
    }
    if (logLevel == null || !LOG_LEVELS.contains(logLevel.toUpperCase())) {
      throw new IllegalArgumentException("log-level must be one of " + String.join(", ", LOG_LEVELS) + ", not " + logLevel);
    }
    logLevel = logLevel.toUpperCase();
    conf = conf == null ? Map.of() : Map.copyOf(conf);
  }
}
