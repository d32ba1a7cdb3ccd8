package dev.qedspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.io.DatasetWriter;
import dev.qedspark.spark.SparkTestBase;
import dev.qedspark.testing.Python;
import dev.qedspark.testing.Qwen3Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The barrier launcher on local[2]: two ranks of a real distributed program (PyTorch, gloo) join one
 * process group from the launcher's variables, train a step on their own shards and all-reduce the
 * gradients; a failing or hanging rank fails the launch with every rank's output and leaves no
 * process behind.
 */
class LaunchTest extends SparkTestBase {
  private static final Path TRAINER = Path.of("..", "docker", "trainer").toAbsolutePath().normalize();
  @TempDir Path dir;
  private String shards;

  @BeforeEach
  void writeShards() throws Exception {
    StructType message = new StructType().add("role", DataTypes.StringType).add("content", DataTypes.StringType);
    StructType sft = new StructType().add("problem_id", DataTypes.StringType).add("messages", DataTypes.createArrayType(message));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      rows.add(RowFactory.create("p" + i, List.of(RowFactory.create("user", "Show that " + i + " squared is " + i * i + ". ".repeat(1 + i)),
          RowFactory.create("assistant", "<think>\nmultiply\n</think>\n\n$" + i + "\\cdot" + i + "=" + i * i + "$. ".repeat(1 + i)))));
    }
    String input = dir.resolve("sft").toString();
    DatasetWriter.of(spark.createDataFrame(rows, sft)).to(input).named("default").keyedBy("problem_id").shards(1).execute();
    shards = dir.resolve("shards").toString();
    ShardsReport report = TrainingShards.of(spark, input, "packed", ShardSettings.DEFAULTS.withTokenizer(Qwen3Tokenizer.folder().toString())
        .withSeqLen(128).withCount(2).withMmapFiles(true)).into(shards).execute();
    assertTrue(report.sequences() >= 2, "both ranks get sequences");
  }

  @Test
  void twoRanksJoinOneProcessGroupTrainOnTheirShardsAndAgreeOnGradients() throws Exception {
    String python = Python.with("torch");
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    TrainReport report = Launch.of(spark, shards, python + " " + TRAINER.resolve("train.py") + " --check-allreduce", TrainSettings.DEFAULTS)
        .into(dir.resolve("train").toString()).output(new PrintStream(lines, true, StandardCharsets.UTF_8)).execute();
    String output = lines.toString(StandardCharsets.UTF_8);
    assertEquals(2, report.ranks());
    String log = Files.readString(dir.resolve("train").resolve(Launch.LOG));
    assertTrue(log.contains("[rank 1] all-reduced gradients agree"), "ranks.log keeps every rank's output: " + log);
    assertEquals(null, Launch.of(spark, shards, python + " " + TRAINER.resolve("train.py") + " --check-allreduce", TrainSettings.DEFAULTS)
        .into(dir.resolve("train").toString()).staleness(), "the same launch on the same shards is up to date");
    for (int rank = 0; rank < 2; rank++) {
      assertTrue(output.contains("[rank " + rank + "] step 0: loss "), output);
      assertTrue(output.contains("[rank " + rank + "] all-reduced gradients agree across 2 ranks"), output);
      assertTrue(report.shards().get(rank).get(0).endsWith(String.format("part-%05d.parquet", rank)));
    }
  }

  @Test
  void everyRankSeesTheRendezvousAndItsOwnShards() throws Exception {
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    Launch.of(spark, shards, "echo \"env $RANK $WORLD_SIZE $LOCAL_RANK $NODE_RANK $MASTER_ADDR:$MASTER_PORT $QED_SHARD_FORMAT $QED_SEQ_LEN\";"
        + " python3 " + TRAINER.resolve("check_shard.py"), TrainSettings.DEFAULTS).into(dir.resolve("train").toString()).output(new PrintStream(lines, true, StandardCharsets.UTF_8)).execute();
    String output = lines.toString(StandardCharsets.UTF_8);
    List<String> env = output.lines().filter(l -> l.contains("] env ")).map(l -> l.substring(l.indexOf("] env ") + 6)).sorted().toList();
    assertEquals(2, env.size(), output);
    String[] rank0 = env.get(0).split(" ");
    String[] rank1 = env.get(1).split(" ");
    assertEquals(List.of("0", "2", "0", "0"), List.of(rank0).subList(0, 4), "rank, world, local rank and node rank of rank 0");
    assertEquals(List.of("1", "2", "0", "1"), List.of(rank1).subList(0, 4), "each task is a node of one process, as in TorchDistributor");
    assertEquals(rank0[4], rank1[4], "one master address and port for all");
    assertTrue(rank0[4].matches(".+:\\d+") && !rank0[4].endsWith(":0"), rank0[4]);
    assertEquals("packed", rank0[5]);
    assertEquals("128", rank0[6]);
    assertTrue(output.contains("[rank 0] rank 0/2") && output.contains("[rank 1] rank 1/2"), output);
  }

  @Test
  void aFailingRankFailsTheLaunchWithEveryRanksOutputAndKillsTheOthers() throws Exception {
    Path pids = Files.createDirectories(dir.resolve("pids"));
    String command = "sleep 300 & echo $! > " + pids + "/child-$RANK-$$; echo \"rank $RANK started\";"
        + " if [ \"$RANK\" = 1 ]; then sleep 1; echo 'rank 1 gives up'; exit 3; fi; wait";
    TrainException failure = assertThrows(TrainException.class,
        () -> Launch.of(spark, shards, command, TrainSettings.DEFAULTS).into(dir.resolve("train").toString()).output(new PrintStream(new ByteArrayOutputStream(), true)).execute());
    String message = failure.getMessage();
    assertTrue(message.contains("rank 1 exited with code 3"), message);
    assertTrue(message.contains("--- rank 0") && message.contains("rank 0 started"), message);
    assertTrue(message.contains("--- rank 1") && message.contains("rank 1 gives up"), message);
    assertNoSurvivors(pids);
  }

  @Test
  void aRankPastTheTimeOutFailsTheLaunchAndIsKilled() throws Exception {
    Path pids = Files.createDirectories(dir.resolve("pids"));
    String command = "sleep 300 & echo $! > " + pids + "/child-$RANK-$$; echo \"rank $RANK waiting\"; wait";
    TrainException failure = assertThrows(TrainException.class, () -> Launch.of(spark, shards, command,
        TrainSettings.DEFAULTS.withTimeoutMinutes(0.03)).into(dir.resolve("train").toString()).output(new PrintStream(new ByteArrayOutputStream(), true)).execute());
    assertTrue(failure.getMessage().contains("timed out"), failure.getMessage());
    assertNoSurvivors(pids);
  }

  private static void assertNoSurvivors(Path pids) throws Exception {
    List<Path> files;
    try (var list = Files.list(pids)) {
      files = list.toList();
    }
    assertFalse(files.isEmpty(), "the ranks started their children");
    for (Path file : files) {
      long pid = Long.parseLong(Files.readString(file).strip());
      long deadline = System.currentTimeMillis() + 10_000;
      while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " (" + file.getFileName() + ") outlived the launch");
    }
  }

  @Test
  void shardsThatDoNotDivideAmongTheRanksAreRefused() {
    var error = assertThrows(dev.qedspark.common.ConfigException.class,
        () -> Launch.of(spark, shards, "true", TrainSettings.DEFAULTS.withRanks(3)).into(dir.resolve("train").toString()).execute());
    assertTrue(error.getMessage().contains("3 ranks need 3 task slots") || error.getMessage().contains("multiple"), error.getMessage());
  }
}
