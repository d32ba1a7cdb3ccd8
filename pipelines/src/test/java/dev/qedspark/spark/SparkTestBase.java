package dev.qedspark.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;

/**
 * Gives test classes one small local SparkSession: {@code local[2,2]} (two threads, and a failed
 * task is tried once more, as on a cluster, so task retries can be tested), UI off, two shuffle
 * partitions, bound to 127.0.0.1. It is made once per test JVM and shared by every class, since
 * starting Spark costs seconds and the tests never change its settings.
 */
public abstract class SparkTestBase {
  protected static SparkSession spark;

  @BeforeAll
  protected static void startSpark() {
    spark = SparkSession.builder()
        .master("local[2,2]")
        .appName("qed-spark-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
  }
}
