package dev.qedspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qedspark.config.ConfigLoader;
import dev.qedspark.io.DatasetWriter;
import dev.qedspark.io.Problem;
import dev.qedspark.llm.ScriptedServer;
import dev.qedspark.publish.Publish;
import dev.qedspark.spark.SparkTestBase;
import dev.qedspark.testing.Python;
import dev.qedspark.testing.Qwen3Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FineProofs chain's outputs as Hugging Face {@code datasets} and TRL users read them: the
 * chain runs against a scripted server whose judge passes some proofs and not others (so SFT
 * {@code default} and RL {@code default} have rows), {@code ./qed publish}'s library call copies
 * both, and {@code check_hf_datasets.py} loads every dataset with {@code datasets} 5, checks the
 * cards, types and schemas, and runs the README's TRL blocks unchanged on a tiny random Qwen3.
 */
class HuggingFaceDatasetsTest extends SparkTestBase {
  private static final Path PYTHON_TESTS = Path.of("src", "test", "python").toAbsolutePath();
  private static final Pattern SEED = Pattern.compile("\\(seed (\\d+)\\)");
  @TempDir Path dir;

  /** Proofs name their seed; the judge gives 7 to odd seeds (the teacher's, one of each problem's two rollouts) and 3 to even ones. */
  private static ScriptedServer.Reply answer(JsonNode body) {
    String first = body.path("messages").path(0).path("content").asText();
    String all = body.path("messages").toString();
    if (first.startsWith("Solve the following olympiad problem")) {
      return ScriptedServer.Reply.ok("<think>Try induction on n; the base case is clear.</think>By induction on n, the claim holds (seed "
          + body.path("seed").asInt() + ").");
    }
    if (first.startsWith("You grade olympiad proofs")) {
      Matcher seed = SEED.matcher(all);
      int score = seed.find() && Integer.parseInt(seed.group(1)) % 2 == 1 ? 7 : 3;
      return ScriptedServer.Reply.ok("The proof covers the checkpoints it claims. <score>" + score + "</score>");
    }
    return DatasetsChainTest.answer(body);
  }

  @Test
  void everyDatasetLoadsWithHuggingFaceDatasetsAndTheReadmesTrlLinesTrainOnThem() throws Exception {
    String python = Python.with("datasets", "trl", "transformers", "torch", "yaml");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rows.add(Problem.SCHEMA.toRow(new Problem("test:p" + i, "Show that statement " + i + " holds for every n.", "Solution " + i + ".",
          null, null, "test", "Test Olympiad", "Algebra", null, false, "t#" + i, "{}")));
    }
    String problems = dir.resolve("problems").toString();
    DatasetWriter.of(spark.createDataFrame(rows, Problem.SCHEMA.schema())).to(problems).named("problems").keyedBy("problem_id").execute();
    Path out = dir.resolve("out");
    try (ScriptedServer server = new ScriptedServer((body, seen) -> answer(body));
        Stages stages = Stages.with(spark, ConfigLoader.load(List.of(), List.of("llm.endpoint=" + server.baseUrl(),
            "llm.cache-dir=" + dir.resolve("cache"), "llm.max-tokens=64", "llm.seed=1", "rl.rollouts=2", "datasets.shards=3",
            "llm.roles.policy.temperature=0.7", "llm.roles.policy.seed=100")))) {
      DatasetsChain.of(stages, problems, out.toString(), Set.of(), 1).run(false, s -> { }, s -> { });
    }
    Path published = dir.resolve("published");
    for (String name : List.of("sft", "rl")) {
      Publish.Result result = Publish.folder(spark.sparkContext().hadoopConfiguration(), out.resolve(name).toString(),
          published.resolve(name).toString());
      assertEquals(List.of(name.equals("sft") ? "default" : "learnable", "all"), result.configs());
    }

    Path model = dir.resolve("tiny-qwen3");
    run(python, 300, PYTHON_TESTS.resolve("tiny_qwen3.py").toString(), model.toString(), "--tokenizer", Qwen3Tokenizer.folder().toString());
    String output = run(python, 1500, PYTHON_TESTS.resolve("check_hf_datasets.py").toString(), out.toString(), published.toString(),
        Path.of("..", "README.md").toAbsolutePath().toString(), model.toString());
    assertTrue(output.contains("README block trl-sft: trained and saved") && output.contains("README block trl-grpo: trained and saved"),
        output);
  }

  private String run(String python, int seconds, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(python));
    command.addAll(List.of(args));
    Path log = java.nio.file.Files.createTempFile(dir, "python", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(Map.of("HF_HOME", dir.resolve("hf-home").toString(), "HF_HUB_OFFLINE", "1", "HF_DATASETS_OFFLINE", "1",
        "TOKENIZERS_PARALLELISM", "false", "WANDB_DISABLED", "true"));
    Process process = builder.start();
    boolean finished = process.waitFor(seconds, TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly();
    }
    String output = java.nio.file.Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(finished, () -> "timed out after " + seconds + " s: " + command + "\n" + output);
    System.out.println(output.lines().filter(l -> !l.contains("it/s]") && !l.contains("examples/s]")).reduce("", (a, b) -> a + b + "\n"));
    assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed:\n" + output);
    return output;
  }
}
