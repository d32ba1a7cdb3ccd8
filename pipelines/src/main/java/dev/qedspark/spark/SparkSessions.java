package dev.qedspark.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Makes the job's SparkSession from {@link SparkSettings}. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * Gets or creates the session. Under spark-submit the master and any {@code --conf} given there
   * win; otherwise the configured master (by default {@code local[*]}) is used, bound to
   * 127.0.0.1 with the UI off so a laptop run opens no public port.
   */
  public static SparkSession create(SparkSettings settings) {
    SparkConf conf = new SparkConf(true);
    boolean submitted = conf.contains("spark.master");
    if (!submitted) {
      conf.setMaster(settings.master());
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.ui.enabled", "false");
      // Stage progress ([Stage 3:=====>  (2 + 2) / 4]) for people at a terminal, not in logs.
      conf.setIfMissing("spark.ui.showConsoleProgress", String.valueOf(System.console() != null));
      // Spark's 200 shuffle partitions suit a cluster; on one machine they are 200 tiny tasks.
      conf.setIfMissing("spark.sql.shuffle.partitions", String.valueOf(Math.max(4, 2 * Runtime.getRuntime().availableProcessors())));
    }
    conf.setIfMissing("spark.app.name", settings.appName());
    conf.setIfMissing("spark.sql.session.timeZone", "UTC");
    settings.conf().forEach(conf::set);
    SparkSession spark;
    scala.Option<org.apache.spark.SparkContext> before = org.apache.spark.SparkContext$.MODULE$.getActive();
    try {
      spark = SparkSession.builder().config(conf).getOrCreate();
    } catch (RuntimeException e) {
      // A setting Spark refuses only once the context runs (e.g. a malformed SQL option): stop the
      // context this call started (never one that was there before), so the next session starts clean.
      scala.Option<org.apache.spark.SparkContext> started = org.apache.spark.SparkContext$.MODULE$.getActive();
      if (started.isDefined() && (before.isEmpty() || before.get() != started.get())) {
        started.get().stop();
      }
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
      throw e;
    }
    spark.sparkContext().setLogLevel(settings.logLevel());
    return spark;
  }
}
