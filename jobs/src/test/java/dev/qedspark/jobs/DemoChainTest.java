package dev.qedspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./qed demo} as a chain: the second run skips every step and sends nothing. */
class DemoChainTest {
  @TempDir Path dir;

  private String demo(String... extra) throws IOException {
    Path catalog = dir.resolve("sources.yaml");
    if (Files.notExists(catalog)) {
      Files.writeString(dir.resolve("corpus.jsonl"), String.join("\n",
          "{\"id\": \"c1\", \"problem\": \"Prove that the sum of two even integers is even.\"}",
          "{\"id\": \"c2\", \"problem\": \"Prove that the sum of two even integers is even.\"}",
          "{\"id\": \"c3\", \"problem\": \"Show that there are infinitely many primes.\", \"solution\": \"Euclid.\","
              + " \"rubric\": \"7 points: multiply the primes and add one.\"}",
          "{\"id\": \"c4\", \"problem\": \"Prove that the square root of two is irrational.\", \"solution\": \"Parity.\"}") + "\n");
      Files.writeString(catalog, """
          sources:
            - name: imo-answerbench
              path: %s
              benchmark: true
              columns: {problem_id: Problem ID, problem: Problem, answer: Short Answer, category: Category}
            - name: imo-proofbench
              path: %s
              benchmark: true
              columns: {problem_id: Problem ID, problem: Problem, solution: Solution, rubric: Grading guidelines}
            - name: corpus
              path: corpus.jsonl
              columns: {problem_id: id, problem: problem, solution: solution, rubric: rubric}
          """.formatted(Path.of("..", "data", "benchmarks", "imobench", "answerbench_v2.csv").toAbsolutePath().normalize(),
              Path.of("..", "data", "benchmarks", "imobench", "proofbench_v2.csv").toAbsolutePath().normalize()));
    }
    Path fetch = Path.of("..", "data", "tokenizers", "fetch-qwen3").toAbsolutePath().normalize();
    try {
      assertEquals(0, new ProcessBuilder("bash", fetch.toString()).inheritIO().start().waitFor(), "fetch-qwen3");
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    String checkShard = Path.of("..", "docker", "trainer", "check_shard.py").toAbsolutePath().normalize().toString();
    List<String> args = new ArrayList<>(List.of("demo", "--out", dir.resolve("demo").toString(), "--problems", "2",
        "--set", "shards.tokenizer=" + fetch.getParent().resolve("qwen3"), "--train-command", "python3 " + checkShard,
        "--set", "spark.master=local[2]", "--set", "ingest.sources=" + catalog, "--set", "curate.decontam.embeddings=false",
        "--set", "llm.cache-dir=" + dir.resolve("cache"), "--set", "llm.max-tokens=8", "--set", "llm.engine.context=2048"));
    args.addAll(List.of(extra));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Qed.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  private long cachedResponses() throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve("cache").resolve("segments")).filter(Files::isRegularFile)) {
      long lines = 0;
      for (Path f : files.toList()) {
        lines += Files.readAllLines(f).size();
      }
      return lines;
    }
  }

  @Test
  void theDemoRunsTheWholeChainAndASecondRunSkipsEveryStep() throws IOException {
    String first = demo("--samples", "2");
    for (String step : List.of("ingest", "curate", "pick", "filter", "rubrics", "generate", "grade", "rl", "sft", "benchmark", "responses",
        "eval", "shards", "train")) {
      assertTrue(first.contains("] " + step + ": runs, because it has not run"), step + " in:\n" + first);
    }
    assertTrue(first.contains("shards: 4 examples -> 4 packed into 2 sequences"),
        "the SFT set's proofs (all: the tiny judge grades none), packed so each rank gets a sequence: " + first);
    assertTrue(first.contains("[rank 0] rank 0/2 (master 127.0.0.1:") && first.contains("[rank 1] rank 1/2 (master 127.0.0.1:"),
        "both ranks read their shard: " + first);
    assertTrue(first.contains("train: 2 ranks finished"), first);
    assertTrue(first.contains("eval: imo-answerbench, 3 problems, 3 samples"), first);
    assertTrue(Files.exists(dir.resolve("demo/eval/report.html")), "the demo ends with an evaluation report");
    com.fasterxml.jackson.databind.JsonNode setup = dev.qedspark.io.Manifest.JSON.readTree(dir.resolve("demo/eval/summary.json").toFile()).path("setup");
    assertEquals("qed-tiny-random", setup.path("model").path("model").asText(), "the demo's eval records its model: " + setup);
    assertEquals(8, setup.path("model").path("max-tokens").asInt(), "and the sampling it sent (llm.max-tokens=8 above): " + setup);
    assertTrue(setup.path("model").has("temperature") && setup.path("model").has("top-p") && setup.path("model").has("seed"), setup.toString());
    assertTrue(first.contains("exact_duplicate 1"), first);
    assertTrue(first.contains("corpus:c3 (rubric given)") && first.contains("corpus:c4:"), "one problem with a rubric, one without: " + first);
    assertTrue(first.contains("tags by status {unreadable=2}"), "the tiny model's tags are unreadable, and kept: " + first);
    assertTrue(first.contains("schemes by status {invalid=1}") && first.contains("attempt 3: 1 requests"),
        "the scheme for c4 is asked three times, then marked: " + first);
    assertTrue(first.contains("0 from the response cache, 4 sent"), first);
    assertTrue(first.contains("judgements by status: {no_reference=2, parse_error=2}"),
        "c3's proofs get unreadable verdicts, not 0; c4 has no rubric to grade against: " + first);
    assertTrue(first.contains("rl: 1 problems rolled out (1 without a rubric left out), 0 learnable"), first);
    assertTrue(first.contains("rollout grades by status: {parse_error=2}"), first);
    long cached = cachedResponses();
    assertEquals(2 + 3 + 4 + 2 + 3, cached,
        "tags, three scheme attempts, four proofs, two judgements (the rollouts repeat cached requests), three benchmark answers");

    String second = demo("--samples", "2", "--set", "llm.progress-seconds=3");
    assertEquals(14, second.lines().filter(l -> l.contains("skipped, up to date")).count(), second);
    assertFalse(second.contains("runs, because"), second);
    assertEquals(cached, cachedResponses(), "the second run sent nothing");

    String third = demo("--samples", "3");
    for (String step : List.of("ingest", "curate", "pick", "filter", "rubrics", "rl", "benchmark", "responses", "eval")) {
      assertTrue(third.contains("] " + step + ": skipped"), step + " in:\n" + third);
    }
    assertTrue(third.contains("generate: runs, because its settings changed"), third);
    assertTrue(third.contains("4 from the response cache, 2 sent"), third);
    assertTrue(third.contains("grade: runs, because its input"), "new proofs make the grades stale: " + third);
    assertTrue(third.contains("graded by judge: 6 requests, 2 from the cache, 1 sent"), third);
    assertTrue(third.contains("sft: 6 proofs in all, 0 problems in default"), "the tiny judge grades none: " + third);
  }
}
