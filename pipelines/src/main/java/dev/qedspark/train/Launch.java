package dev.qedspark.train;

import dev.qedspark.spark.SparkTasks;
import dev.qedspark.io.DatasetWriter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.qedspark.common.ConfigException;
import dev.qedspark.io.Manifest;
import dev.qedspark.io.HadoopConf;
import dev.qedspark.io.Run;
import dev.qedspark.process.OutputRelay;
import dev.qedspark.spark.SparkJobs;
import dev.qedspark.stage.Stage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import scala.reflect.ClassTag$;

/**
 * Launches a distributed trainer on the Spark cluster: a barrier stage with one task per rank, all
 * started together, each running {@code command} with the rendezvous variables torchrun would set
 * ({@code MASTER_ADDR}, {@code MASTER_PORT}, {@code WORLD_SIZE}, {@code RANK},
 * {@code LOCAL_RANK}, {@code LOCAL_WORLD_SIZE}, {@code NODE_RANK}), {@code CUDA_VISIBLE_DEVICES}
 * from the task's GPUs, and its shards ({@code QED_SHARDS}: Parquet files; {@code QED_TOKEN_FILES}:
 * memory-mappable token files when written; {@code QED_SHARD_FORMAT}, {@code QED_SEQ_LEN}), and
 * the launch's output folder ({@code QED_TRAIN_DIR}), where a trainer keeps checkpoints and model.
 *
 * <p>Rank r reads shards r, r + ranks, r + 2 ranks, ... so the shard count must be a multiple of
 * the ranks. Output reaches the driver prefixed {@code [rank N]}. A rank that exits non-zero or
 * times out fails the stage; Spark then stops the other ranks, whose tasks kill their processes,
 * and the error quotes every rank's last lines.
 */
public final class Launch extends Stage<Launch, TrainReport> {
  public static final String REPORT = "report.json";
  public static final String LOG = "ranks.log";
  private final String shardsFolder;
  private final String command;
  private final TrainSettings settings;
  private PrintStream printTo = System.out;

  private Launch(SparkSession spark, String shardsFolder, String command, TrainSettings settings) {
    super(spark);
    this.shardsFolder = shardsFolder;
    this.command = command;
    this.settings = settings;
  }

  /** @param shardsFolder the output folder of {@code ./qed shards} (its {@code report.json} names the shards) */
  public static Launch of(SparkSession spark, String shardsFolder, String command, TrainSettings settings) {
    if (command == null || command.isBlank()) {
      throw new ConfigException("the command to run on every rank is empty");
    }
    return new Launch(spark, shardsFolder, command, settings);
  }

  /** Where the ranks' prefixed output goes (standard output by default). */
  public Launch output(PrintStream stream) {
    this.printTo = stream;
    return this;
  }

  @Override
  public String name() {
    return "train";
  }

  @Override
  public List<String> outputs() {
    return List.of(REPORT, LOG);
  }

  @Override
  protected List<String> inputs() {
    return List.of(new Path(shardsFolder, "report.json").toString(), Shards.read(spark, shardsFolder, settings.ranks()).dataset());
  }

  @Override
  protected Object settings() {
    return java.util.Map.of("command", command, "ranks", settings.ranks(), "gpus_per_rank", settings.gpusPerRank());
  }

  @Override
  protected TrainReport run(Run run) {
    int ranks = settings.ranks();
    int slots = spark.sparkContext().defaultParallelism();
    if (spark.sparkContext().isLocal() && slots < ranks) {
      throw new ConfigException(ranks + " ranks need " + ranks + " task slots at once but " + spark.sparkContext().master() + " has "
          + slots + ": use spark.master=local[" + ranks + "] or fewer ranks (train.ranks)");
    }
    Shards shards = Shards.read(spark, shardsFolder, ranks);
    String driverHost = spark.sparkContext().getConf().get("spark.driver.host", "127.0.0.1");
    long started = System.nanoTime();
    try (OutputRelay output = new OutputRelay(driverHost, printTo, settings.tailLines(), run.path(LOG), spark.sparkContext().hadoopConfiguration())) {
      RankTask task = new RankTask(new RankTask.Spec(command, ranks, shards.parquet(), shards.tokenFiles(), shards.format(), shards.seqLen(),
          trainDir(),
          driverHost, output.port(), (long) (settings.timeoutMinutes() * 60_000), new HadoopConf(spark.sparkContext().hadoopConfiguration())));
      try {
        List<String> hosts = SparkJobs.named(spark, "train: " + ranks + " ranks", () -> barrier(task, ranks).collect());
        output.drain();
        TrainReport report = new TrainReport(ranks, command, hosts, shards.parquet(), (System.nanoTime() - started) / 1e9);
        run.writeJson(REPORT, report);
        return report;
      } catch (Exception e) { // SparkException too: Spark rethrows it unchecked
        output.drain();
        output.close();
        String kept = keepFailedLog(run);
        throw new TrainException("the launch failed: " + rootMessage(e) + "\n" + output.tails()
            + (kept == null ? "" : "every rank's whole output: " + kept + "\n"));
      }
    } catch (IOException e) {
      throw new TrainException("cannot relay the ranks' output to the driver at " + driverHost + ": " + e.getMessage());
    }
  }

  private JavaRDD<String> barrier(RankTask task, int ranks) {
    JavaRDD<Integer> tasks = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(IntStream.range(0, ranks).boxed().toList(), ranks);
    RDD<String> launched = SparkTasks.withGpus(tasks, settings.gpusPerRank()).rdd().barrier().mapPartitions(new RunRank(task), false, ClassTag$.MODULE$.apply(String.class));
    return launched.toJavaRDD();
  }

  /** The barrier stage's function: runs the task's rank and yields its host. */
  private static final class RunRank extends scala.runtime.AbstractFunction1<scala.collection.Iterator<Integer>, scala.collection.Iterator<String>>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final RankTask task;

    RunRank(RankTask task) {
      this.task = task;
    }

    @Override
    public scala.collection.Iterator<String> apply(scala.collection.Iterator<Integer> ignored) {
      try {
        String host = task.run(BarrierTaskContext.get());
        return scala.collection.JavaConverters.asScalaIterator(List.of(host).iterator());
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
  }

  /** The failed run's log, copied beside the run (the run's own folder is removed): its path, or null. */
  private String keepFailedLog(Run run) {
    try {
      Path log = new Path(run.path(LOG));
      FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path kept = new Path(out(), "ranks-failed-" + java.time.LocalDateTime.now().withNano(0).toString().replace(':', '-') + ".log");
      return org.apache.hadoop.fs.FileUtil.copy(fs, log, fs, kept, false, spark.sparkContext().hadoopConfiguration()) ? kept.toString() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static final java.util.regex.Pattern RANK_FAILURE = java.util.regex.Pattern.compile("rank \\d+ (exited|timed out)[^\\n]*");

  /** The failing rank's own words ("rank 1 exited with code 3"), found in Spark's wrapped messages; else the first line. */
  private static String rootMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      java.util.regex.Matcher m = RANK_FAILURE.matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return m.group();
      }
    }
    String message = String.valueOf(e.getMessage());
    return message.lines().findFirst().orElse(message);
  }

  /**
   * A path as the rank's task receives it: a plain path on the local file system, else the full
   * URI (hdfs://, s3a://), which the task copies to its local disk before the process starts.
   */
  private static String forProcess(FileSystem fs, Path path) {
    Path qualified = fs.makeQualified(path);
    return "file".equals(qualified.toUri().getScheme()) ? qualified.toUri().getPath() : qualified.toString();
  }

  /**
   * The launch's output folder as the ranks see it ({@code QED_TRAIN_DIR}): where a trainer keeps
   * its checkpoints and model, beside the launch's report. A plain path on the local file system
   * (or a mount every node shares), else the URI, which a Python trainer cannot write to itself.
   */
  private String trainDir() {
    Path folder = new Path(out());
    try {
      return forProcess(folder.getFileSystem(spark.sparkContext().hadoopConfiguration()), folder);
    } catch (IOException e) {
      return out();
    }
  }

  /** The shards a {@code ./qed shards} run wrote, split between ranks. */
  record Shards(String format, int seqLen, String dataset, List<List<String>> parquet, List<List<String>> tokenFiles) {
    static Shards read(SparkSession spark, String folder, int ranks) {
      Path report = new Path(folder, "report.json");
      try {
        FileSystem fs = report.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!fs.exists(report)) {
          throw new ConfigException("no report.json in " + folder + ": --shards takes the output folder of ./qed shards");
        }
        JsonNode json;
        try (InputStream in = fs.open(report)) {
          json = Manifest.JSON.readTree(in);
        }
        // The shards are where the report is (OUT/<format>, OUT/tokens-NNNNN.bin), wherever they were written from.
        String format = json.get("format").asText();
        Path dataset = new Path(folder, format);
        int count = json.get("shard_tokens").size();
        if (count % ranks != 0) {
          throw new ConfigException(folder + " has " + count + " shards, not a multiple of the " + ranks
              + " ranks: write the shards again with --shards " + ranks + " (or a multiple)");
        }
        List<String> tokenFiles = new ArrayList<>();
        if (json.get("token_files").size() > 0) {
          for (int shard = 0; shard < count; shard++) {
            tokenFiles.add(forProcess(fs, new Path(folder, TokenFile.name(shard))));
          }
        }
        List<List<String>> parquetByRank = new ArrayList<>();
        List<List<String>> tokensByRank = new ArrayList<>();
        for (int rank = 0; rank < ranks; rank++) {
          List<String> mine = new ArrayList<>();
          List<String> myTokens = new ArrayList<>();
          for (int shard = rank; shard < count; shard += ranks) {
            mine.add(forProcess(fs, new Path(dataset, DatasetWriter.shardName(shard))));
            if (!tokenFiles.isEmpty()) {
              myTokens.add(tokenFiles.get(shard));
            }
          }
          parquetByRank.add(mine);
          tokensByRank.add(myTokens);
        }
        return new Shards(format, json.get("seq_len").asInt(), dataset.toString(), parquetByRank, tokensByRank);
      } catch (IOException e) {
        throw new ConfigException("cannot read the shards in " + folder + ": " + e.getMessage(), e);
      }
    }
  }
}
