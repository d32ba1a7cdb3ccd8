package dev.qedspark.spark;

import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Names the Spark jobs that one action starts, so the Spark UI and the job list read like the
 * pipeline. The description is set right around the action (Spark reads it when a job is
 * submitted, not when a plan is built) and the previous one is put back afterwards, so nested
 * steps do not rename each other's jobs.
 */
public final class SparkJobs {
  private static final String DESCRIPTION = "spark.job.description";

  private SparkJobs() {}

  /** Runs {@code action} with its jobs described as {@code description}; returns its result. */
  public static <T> T named(SparkSession spark, String description, Supplier<T> action) {
    SparkContext context = spark.sparkContext();
    String previous = context.getLocalProperty(DESCRIPTION);
    context.setJobDescription(description);
    try {
      return action.get();
    } finally {
      context.setLocalProperty(DESCRIPTION, previous);
    }
  }

  /** {@link #named(SparkSession, String, Supplier)} for an action without a result. */
  public static void named(SparkSession spark, String description, Runnable action) {
    named(spark, description, () -> {
      action.run();
      return null;
    });
  }
}
