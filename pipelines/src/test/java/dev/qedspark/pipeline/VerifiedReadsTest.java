package dev.qedspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.config.ConfigLoader;
import dev.qedspark.config.QedConfig;
import dev.qedspark.curation.Pick;
import dev.qedspark.ingest.Ingest;
import dev.qedspark.ingest.InputFiles;
import dev.qedspark.io.DatasetException;
import dev.qedspark.spark.SparkTestBase;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code datasets.verify-checksums} holds for every dataset a stage reads, not only for those the
 * stages' factories read: here {@link Pick}, which reads its input inside the stage, run as every command runs it.
 */
class VerifiedReadsTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void aShardChangedInPlaceStopsAStageBeforeAnyWorkWhenChecksumsAreOn() throws Exception {
    Path corpus = Files.writeString(dir.resolve("corpus.jsonl"), IntStream.range(0, 40)
        .mapToObj(i -> "{\"id\": \"p" + i + "\", \"problem\": \"Prove that " + i + " squared plus " + i + " is even.\"}")
        .collect(Collectors.joining("\n")) + "\n");
    String problems = dir.resolve("in").resolve(Ingest.PROBLEMS).toString();
    try (Stages stages = Stages.with(spark, config(false))) {
      stages.ingest(InputFiles.specs(List.of(corpus.toString()), null, false, Map.of())).datasets(stages.datasetSettings())
          .into(dir.resolve("in").toString()).execute();
    }
    // A byte changed in the middle of the second shard, its size kept and its Hadoop .crc removed, as a tool that
    // rewrites files in place would leave it: only the manifest's sha256 can tell.
    Path shard = Path.of(problems).resolve("part-00001.parquet");
    byte[] original = Files.readAllBytes(shard);
    try (RandomAccessFile file = new RandomAccessFile(shard.toFile(), "rw")) {
      file.seek(original.length / 2);
      file.write(original[original.length / 2] ^ 0xFF);
    }
    Files.deleteIfExists(shard.resolveSibling(".part-00001.parquet.crc"));

    try (Stages stages = Stages.with(spark, config(true))) {
      Chain pick = Chain.of(stages, Chain.step("pick", dir.resolve("pick").toString()).reads("problems", Ref.path(problems))
          .builds(in -> stages.pick(in.path("problems")).take("true", 3)));
      DatasetException damaged = assertThrows(DatasetException.class, () -> pick.run(false, step -> { }, step -> { }));
      assertTrue(damaged.getMessage().contains("part-00001.parquet does not match its sha256"), damaged.getMessage());
    }
    assertFalse(Files.exists(dir.resolve("pick").resolve(Pick.PROBLEMS)), "nothing was written");
    assertEquals(original.length, Files.size(shard), "the size alone does not tell");
  }

  private static QedConfig config(boolean verify) {
    return ConfigLoader.load(List.of(), List.of("datasets.shards=2", "datasets.verify-checksums=" + verify));
  }
}
