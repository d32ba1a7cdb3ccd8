package dev.qedspark.llm;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A progress line at a steady interval while requests are sent: done of total, cache hits,
 * errors, requests and output tokens per second, cost and an ETA. In local mode the counts come
 * from the run's {@link RunLedger}; on a cluster, where the ledgers live on the executors, from
 * Spark's task counts.
 */
final class Progress implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

  private final ScheduledExecutorService timer;

  private Progress(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  static Progress start(SparkSession spark, RunLedger ledger, long total, long hits, int seconds, String step) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "qed-progress");
      t.setDaemon(true);
      return t;
    });
    long started = System.nanoTime();
    boolean local = spark.sparkContext().isLocal();
    timer.scheduleAtFixedRate(() -> {
      double elapsed = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
      if (local) {
        LOG.info(step + ": " + line(ledger.snapshot(), total, hits, elapsed));
      } else {
        LOG.info(step + ": " + taskLine(spark));
      }
    }, seconds, seconds, TimeUnit.SECONDS);
    return new Progress(timer);
  }

  static String line(RunLedger.Snapshot s, long total, long hits, double elapsedSeconds) {
    long done = hits + s.finished();
    double rate = s.finished() / elapsedSeconds;
    long remaining = total - done;
    String eta = rate > 0 ? formatDuration((long) (remaining / rate)) : "?";
    return String.format("%,d/%,d done (%,d cached, %,d errors), %.1f req/s, %,.0f tokens/s out, $%.4f, ETA %s",
        done, total, hits, s.errors(), rate, s.completionTokens() / elapsedSeconds, s.cost(), eta);
  }

  private static String taskLine(SparkSession spark) {
    int done = 0;
    int all = 0;
    for (int id : spark.sparkContext().statusTracker().getActiveStageIds()) {
      SparkStageInfo stage = spark.sparkContext().statusTracker().getStageInfo(id).getOrElse(null);
      if (stage != null) {
        done += stage.numCompletedTasks();
        all += stage.numTasks();
      }
    }
    return done + "/" + all + " tasks of the running stages done";
  }

  static String formatDuration(long seconds) {
    return seconds >= 3600 ? String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60)
        : seconds >= 60 ? String.format("%dm%02ds", seconds / 60, seconds % 60) : seconds + "s";
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
