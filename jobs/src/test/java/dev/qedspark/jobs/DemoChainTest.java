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
          "{\"id\": \"c3\", \"problem\": \"Show that there are infinitely many primes.\"}") + "\n");
      Files.writeString(catalog, """
          sources:
            - name: imo-proofbench
              path: %s
              benchmark: true
              columns: {problem_id: Problem ID, problem: Problem, solution: Solution, rubric: Grading guidelines}
            - name: corpus
              path: corpus.jsonl
              columns: {problem_id: id, problem: problem}
          """.formatted(Path.of("..", "data", "benchmarks", "imobench", "proofbench_v2.csv").toAbsolutePath().normalize()));
    }
    List<String> args = new ArrayList<>(List.of("demo", "--out", dir.resolve("demo").toString(), "--problems", "1",
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
  void aSecondRunSkipsEveryStepAndAChangedStepRunsAlone() throws IOException {
    String first = demo("--samples", "2");
    for (String step : List.of("[1/5] ingest: runs, because it has not run", "[2/5] curate: runs", "[3/5] generate: runs",
        "[4/5] grade: runs", "[5/5] sft: runs")) {
      assertTrue(first.contains(step), step + " in:\n" + first);
    }
    assertTrue(first.contains("exact_duplicate 1"), first);
    assertTrue(first.contains("0 from the response cache, 2 sent"), first);
    assertTrue(first.contains("judgements by status: {parse_error=2}"), "the tiny model's verdicts are unreadable, not 0: " + first);
    long cached = cachedResponses();
    assertEquals(4, cached, "two proofs and two judgements");

    String second = demo("--samples", "2", "--set", "llm.progress-seconds=3");
    assertEquals(5, second.lines().filter(l -> l.contains("skipped, up to date")).count(), second);
    assertFalse(second.contains("runs, because"), second);
    assertEquals(cached, cachedResponses(), "the second run sent nothing");

    String third = demo("--samples", "3");
    assertTrue(third.contains("[1/5] ingest: skipped") && third.contains("[2/5] curate: skipped"), third);
    assertTrue(third.contains("[3/5] generate: runs, because its settings changed"), third);
    assertTrue(third.contains("2 from the response cache, 1 sent"), third);
    assertTrue(third.contains("[4/5] grade: runs, because its input"), "a new proof makes the grades stale: " + third);
    assertTrue(third.contains("judge judge: 3 requests, 2 from the cache, 1 sent"), third);
    assertTrue(third.contains("sft: 3 proofs in all, 1 problems in default"), third);
  }
}
