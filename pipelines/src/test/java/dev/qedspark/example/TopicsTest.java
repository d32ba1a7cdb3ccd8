package dev.qedspark.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.config.ConfigLoader;
import dev.qedspark.ingest.Ingest;
import dev.qedspark.ingest.InputFiles;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.llm.LlmMap;
import dev.qedspark.llm.ScriptedServer;
import dev.qedspark.pipeline.Chain;
import dev.qedspark.pipeline.Ref;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.spark.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docs' example stage, run as a command runs it: a one-step chain against a scripted server. */
class TopicsTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void theExampleStageTagsEachProblemAndMarksWhatItCannotRead() throws Exception {
    Path corpus = Files.writeString(dir.resolve("corpus.jsonl"), String.join("\n",
        "{\"id\": \"t\", \"problem\": \"Prove that the angle bisectors of a triangle meet in one point.\"}",
        "{\"id\": \"n\", \"problem\": \"Find all primes p such that p + 2 is prime.\"}",
        "{\"id\": \"x\", \"problem\": \"Say something.\"}") + "\n");
    try (ScriptedServer server = new ScriptedServer((body, seen) -> {
      String asked = body.toString();
      return ScriptedServer.Reply.ok(asked.contains("triangle") ? "It is about a triangle.\nGeometry"
          : asked.contains("primes") ? "Primes.\nnumber-theory" : "No idea.");
    });
        Stages stages = Stages.with(spark, ConfigLoader.load(List.of(), List.of("llm.endpoint=" + server.baseUrl(),
            "llm.cache-dir=" + dir.resolve("cache"), "llm.retry.max-attempts=1", "datasets.shards=1")))) {
      stages.ingest(InputFiles.specs(List.of(corpus.toString()), null, false, Map.of())).datasets(stages.datasetSettings())
          .into(dir.resolve("in").toString()).execute();
      Chain topics = Chain.of(stages, Chain.step(Topics.NAME, dir.resolve("topics").toString()).writes(LlmMap.GENERATIONS)
          .reads("problems", Ref.path(dir.resolve("in").resolve(Ingest.PROBLEMS).toString()))
          .builds(in -> Topics.of(stages.spark(), in.path("problems"), stages.prompt(Topics.NAME, Topics.PLACEHOLDERS), stages.role("judge"))));

      assertTrue(topics.run(false, step -> { }, step -> { }).get(0).ran());
      Map<String, Row> rows = new TreeMap<>();
      DatasetReader.read(spark, dir.resolve("topics").resolve(LlmMap.GENERATIONS).toString()).collectAsList()
          .forEach(r -> rows.put(r.getAs("problem_id"), r));
      assertEquals("geometry", rows.get("corpus:t").getAs("topic"));
      assertEquals("number-theory", rows.get("corpus:n").getAs("topic"));
      assertNull(rows.get("corpus:x").getAs("topic"));
      assertTrue(rows.get("corpus:x").<String>getAs("parse_error").contains("names no field"), rows.get("corpus:x").toString());
      assertEquals(3, server.requests());

      assertFalse(topics.run(false, step -> { }, step -> { }).get(0).ran(), "a second run is up to date");
      assertEquals(3, server.requests(), "and sends nothing");
    }
  }
}
