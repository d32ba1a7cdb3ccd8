package dev.qedspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The barrier launcher on local[2]: two ranks of the project's trainer (PyTorch, gloo) join one
 * process group from the launcher's variables and train a tiny Qwen3 on their own shards; a
 * failing or hanging rank fails the launch with every rank's output and leaves no process behind.
 */
class LaunchTest extends SparkTestBase {
  private static final Path TRAINER = Path.of("..", "docker", "trainer").toAbsolutePath().normalize();
  private static final Path PYTHON_TESTS = Path.of("src", "test", "python").toAbsolutePath();
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

  /**
   * docker/trainer/train.py on 2 ranks (gloo) trains a tiny random Qwen3 (Qwen3's vocabulary, two
   * small layers, made by tiny_qwen3.py; check_packed_attention.py first checks that its masks keep
   * packed examples apart) for 20 steps on the packed shards: the loss falls,
   * checkpoints are written, a launch killed after its first checkpoint resumes from it to the
   * same final step with the same weights as the uninterrupted run, and the saved model loads
   * with from_pretrained and generates.
   */
  @Test
  void twoRanksTrainATinyQwen3ThatResumesAfterAKillAndLoads() throws Exception {
    String python = Python.with("torch", "transformers");
    Path model = dir.resolve("tiny-qwen3");
    assertEquals(0, new ProcessBuilder(python, PYTHON_TESTS.resolve("tiny_qwen3.py").toString(), model.toString(), "--tokenizer",
        Qwen3Tokenizer.folder().toString()).inheritIO().start().waitFor());
    Process attention = new ProcessBuilder(python, PYTHON_TESTS.resolve("check_packed_attention.py").toString(), "--model", model.toString())
        .redirectErrorStream(true).start();
    String attentionReport = new String(attention.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, attention.waitFor(), "a packed example's logits equal its logits alone:\n" + attentionReport);
    String train = "OMP_NUM_THREADS=1 HF_HUB_OFFLINE=1 " + python + " " + TRAINER.resolve("train.py") + " --model " + model
        + " --steps 20 --lr 3e-3 --warmup-steps 2 --save-every 5 --seed 1";

    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    TrainReport report = Launch.of(spark, shards, train, TrainSettings.DEFAULTS).into(dir.resolve("whole").toString())
        .output(new PrintStream(whole, true, StandardCharsets.UTF_8)).execute();
    assertEquals(2, report.ranks());
    List<Double> losses = steps(whole.toString(StandardCharsets.UTF_8)).stream().map(step -> step.get("loss").asDouble()).toList();
    assertEquals(20, losses.size(), whole.toString(StandardCharsets.UTF_8));
    double first = losses.subList(0, 3).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double last = losses.subList(17, 20).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    assertTrue(last < first - 1, "the loss falls: " + losses);
    assertTrue(Files.exists(dir.resolve("whole/checkpoints/step-00000020/model.safetensors")), "a checkpoint at the end");
    assertTrue(Files.exists(dir.resolve("whole/train-log.jsonl")));

    // The same run killed (both ranks, SIGKILL) once its first checkpoint is complete, then launched again.
    Path killed = dir.resolve("killed");
    String killAfterCheckpoint = train + " & pid=$!; while [ ! -f " + killed + "/checkpoints/step-00000005/state.json ]; do"
        + " kill -0 $pid 2>/dev/null || exit 3; sleep 0.2; done; kill -9 $pid; echo killed; exit 9";
    assertThrows(TrainException.class, () -> Launch.of(spark, shards, killAfterCheckpoint, TrainSettings.DEFAULTS).into(killed.toString())
        .output(new PrintStream(new ByteArrayOutputStream(), true)).execute());
    ByteArrayOutputStream resumed = new ByteArrayOutputStream();
    Launch.of(spark, shards, train, TrainSettings.DEFAULTS).into(killed.toString())
        .output(new PrintStream(resumed, true, StandardCharsets.UTF_8)).execute();
    String log = resumed.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("\"resume_step\":5") || log.contains("\"resume_step\": 5"), log);
    List<JsonNode> after = steps(log);
    assertEquals(6, after.get(0).get("step").asInt(), "the resumed run starts after its checkpoint");
    assertEquals(20, after.get(after.size() - 1).get("step").asInt(), "and ends at the same final step");

    String check = String.join("\n",
        "import sys, torch",
        "from safetensors.torch import load_file",
        "from transformers import AutoModelForCausalLM",
        "a, b = load_file(sys.argv[1] + '/model.safetensors'), load_file(sys.argv[2] + '/model.safetensors')",
        "print('max weight difference', max((a[k] - b[k]).abs().max().item() for k in a))",
        "model = AutoModelForCausalLM.from_pretrained(sys.argv[2])",
        "out = model.generate(torch.tensor([[151644, 872, 198]]), max_new_tokens=5, do_sample=False)",
        "print('generated', out.shape[1] - 3, 'tokens')");
    Process compare = new ProcessBuilder(python, "-c", check, dir.resolve("whole/model").toString(), killed.resolve("model").toString())
        .redirectErrorStream(true).start();
    String compared = new String(compare.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, compare.waitFor(), compared);
    java.util.regex.Matcher difference = java.util.regex.Pattern.compile("max weight difference (\\S+)").matcher(compared);
    assertTrue(difference.find(), compared);
    assertTrue(Double.parseDouble(difference.group(1)) < 1e-6, "the resumed run ends with the uninterrupted run's weights: " + compared);
    assertTrue(compared.contains("generated 5 tokens"), compared);
  }

  /** The JSON step lines rank 0 printed, in order. */
  private static List<JsonNode> steps(String output) throws Exception {
    List<JsonNode> steps = new ArrayList<>();
    for (String line : output.lines().toList()) {
      int brace = line.indexOf('{');
      if (line.startsWith("[rank 0]") && brace > 0 && line.contains("\"event\"")) {
        JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line.substring(brace));
        if ("step".equals(json.path("event").asText())) {
          steps.add(json);
        }
      }
    }
    return steps;
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
