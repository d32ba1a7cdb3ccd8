package dev.qedspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.common.ConfigException;
import dev.qedspark.config.ConfigLoader;
import dev.qedspark.curation.Pick;
import dev.qedspark.ingest.Ingest;
import dev.qedspark.ingest.InputFiles;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.spark.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chain runner on a small real graph (ingest, then pick): the graph's checks, its order, and the settings it applies. */
class ChainTest extends SparkTestBase {
  @TempDir Path dir;
  private Path corpus;

  @BeforeEach
  void corpus() throws Exception {
    corpus = Files.writeString(dir.resolve("corpus.jsonl"), IntStream.range(0, 12)
        .mapToObj(i -> "{\"id\": \"p" + i + "\", \"problem\": \"Show that " + i + " times " + (i + 1) + " is even.\"}")
        .collect(Collectors.joining("\n")) + "\n");
  }

  private Stages stages(String... settings) {
    return Stages.with(spark, ConfigLoader.load(List.of(), List.of(settings)));
  }

  private Chain.Step ingest(Stages stages) {
    return Chain.step("ingest", dir.resolve("ingest").toString()).writes(Ingest.PROBLEMS)
        .builds(in -> stages.ingest(InputFiles.specs(List.of(corpus.toString()), null, false, Map.of())));
  }

  private Chain.Step pick(Stages stages, Ref problems) {
    return Chain.step("pick", dir.resolve("pick").toString()).writes(Pick.PROBLEMS).reads("problems", problems)
        .builds(in -> stages.pick(in.path("problems")).take("true", 5));
  }

  @Test
  void stepsRunInTheOrderTheirReferencesAllowAndGetTheChainsDatasetSettings() {
    try (Stages stages = stages("datasets.shards=3")) {
      Chain chain = Chain.of(stages, pick(stages, Ref.output("ingest", Ingest.PROBLEMS)), ingest(stages));
      assertEquals(List.of("ingest", "pick"), chain.order(), "pick reads what ingest writes, so ingest runs first");
      List<String> started = new ArrayList<>();
      List<Chain.Outcome> outcomes = chain.run(false, step -> started.add(step.name()), step -> { });
      assertEquals(List.of("ingest", "pick"), started);
      assertTrue(outcomes.stream().allMatch(Chain.Outcome::ran));
      assertEquals(3, DatasetReader.manifest(spark, dir.resolve("pick").resolve(Pick.PROBLEMS).toString()).files().size(),
          "datasets.shards applies to every stage the chain runs");
      assertEquals(5, DatasetReader.read(spark, dir.resolve("pick").resolve(Pick.PROBLEMS).toString()).count());

      List<Chain.Outcome> again = Chain.of(stages, ingest(stages), pick(stages, Ref.output("ingest", Ingest.PROBLEMS)))
          .run(false, step -> { }, step -> { });
      assertFalse(again.stream().anyMatch(Chain.Outcome::ran), "a second run finds both steps up to date");
    }
  }

  @Test
  void verifyingChecksumsOnReadLeavesEveryStepUpToDateButAnotherShardCountDoesNot() {
    try (Stages stages = stages()) {
      Chain.of(stages, ingest(stages), pick(stages, Ref.output("ingest", Ingest.PROBLEMS))).run(false, step -> { }, step -> { });
    }
    try (Stages verifying = stages("datasets.verify-checksums=true")) {
      List<Chain.Outcome> again = Chain.of(verifying, ingest(verifying), pick(verifying, Ref.output("ingest", Ingest.PROBLEMS)))
          .run(false, step -> { }, step -> { });
      assertFalse(again.stream().anyMatch(Chain.Outcome::ran), "checksums on read change nothing written");
    }
    try (Stages resharded = stages("datasets.shards=2")) {
      List<Chain.Outcome> again = Chain.of(resharded, ingest(resharded), pick(resharded, Ref.output("ingest", Ingest.PROBLEMS)))
          .run(false, step -> { }, step -> { });
      assertEquals("its settings changed", again.get(0).reason(), "the shard count changes the files");
    }
  }

  @Test
  void aReferenceToAStepOrOutputTheChainDoesNotHaveIsAnErrorOfTheGraph() {
    try (Stages stages = stages()) {
      IllegalArgumentException noStep = assertThrows(IllegalArgumentException.class,
          () -> Chain.of(stages, pick(stages, Ref.output("curate", "curated"))));
      assertTrue(noStep.getMessage().contains("step pick reads problems from step curate, which is not in the chain"), noStep.getMessage());

      IllegalArgumentException noOutput = assertThrows(IllegalArgumentException.class,
          () -> Chain.of(stages, ingest(stages), pick(stages, Ref.output("ingest", "problemz"))));
      assertTrue(noOutput.getMessage().contains("step ingest writes only [problems]"), noOutput.getMessage());

      IllegalArgumentException cycle = assertThrows(IllegalArgumentException.class, () -> Chain.of(stages,
          Chain.step("a", dir.resolve("a").toString()).writes("x").reads("y", Ref.output("b", "y")).builds(in -> stages.pick(in.path("y"))),
          Chain.step("b", dir.resolve("b").toString()).writes("y").reads("x", Ref.output("a", "x")).builds(in -> stages.pick(in.path("x")))));
      assertTrue(cycle.getMessage().contains("in a cycle"), cycle.getMessage());
    }
    assertFalse(Files.exists(dir.resolve("ingest")), "nothing ran");
  }

  @Test
  void aMissingOutsideInputStopsTheChainBeforeAnyStepRuns() {
    try (Stages stages = stages()) {
      Chain chain = Chain.of(stages, ingest(stages), pick(stages, Ref.path(dir.resolve("nowhere").toString())));
      ConfigException missing = assertThrows(ConfigException.class, () -> chain.run(false, step -> { }, step -> { }));
      assertTrue(missing.getMessage().contains("step pick reads problems from " + dir.resolve("nowhere") + ", which does not exist"),
          missing.getMessage());
    }
    assertFalse(Files.exists(dir.resolve("ingest")), "not even the step that could have run");
  }

  @Test
  void aStepThatDeclaresAnOutputItsStageDoesNotWriteIsCaughtBeforeItRuns() {
    try (Stages stages = stages()) {
      Chain chain = Chain.of(stages, Chain.step("ingest", dir.resolve("ingest").toString()).writes("curated")
          .builds(in -> stages.ingest(InputFiles.specs(List.of(corpus.toString()), null, false, Map.of()))));
      IllegalStateException wrong = assertThrows(IllegalStateException.class, () -> chain.run(false, step -> { }, step -> { }));
      assertTrue(wrong.getMessage().contains("declares output curated, which its stage ingest does not write"), wrong.getMessage());
    }
    assertFalse(Files.exists(dir.resolve("ingest")));
  }

  @Test
  void theDatasetsChainSaysWhichSkippedStepAnotherStillNeeds() {
    try (Stages stages = stages()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> DatasetsChain.of(stages, dir.toString(), dir.resolve("out").toString(), Set.of("generate"), 1));
      assertTrue(e.getMessage().contains("reads proofs from step generate, which is not in the chain"), e.getMessage());
    }
  }
}
