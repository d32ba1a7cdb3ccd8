package dev.qedspark.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.common.ConfigException;
import dev.qedspark.io.DatasetException;
import dev.qedspark.io.DatasetWriter;
import dev.qedspark.io.Lineage;
import dev.qedspark.spark.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./qed publish copies the card, the lineage and the configs' shards, nothing else, and never replaces what it did not write. */
class PublishTest extends SparkTestBase {
  @TempDir Path dir;
  private Path source;

  @BeforeEach
  void writeAnSftFolder() throws Exception {
    source = dir.resolve("run").resolve("sft");
    for (String config : List.of("default", "all")) {
      DatasetWriter.of(spark.sql("SELECT id, concat('proof ', id) AS proof FROM range(" + (config.equals("all") ? 6 : 2) + ")"))
          .to(source.resolve(config).toString()).named(config).keyedBy("id").shards(2).execute();
    }
    Files.writeString(source.resolve(DatasetCard.FILE_NAME), "---\nlicense: mit\nconfigs:\n- config_name: default\n  data_files:\n"
        + "  - split: train\n    path: default/*.parquet\n- config_name: all\n  data_files:\n  - split: train\n    path: all/*.parquet\n---\n\n# Card\n");
    Files.writeString(source.resolve(Lineage.FILE_NAME), "{}");
    Files.writeString(source.resolve("_run.json"), "{}");
    Files.writeString(source.resolve("report.json"), "{}");
  }

  private Publish.Result publish(Path to) {
    return Publish.folder(spark.sparkContext().hadoopConfiguration(), source.toString(), to.toString());
  }

  private static List<String> files(Path folder) throws Exception {
    try (Stream<Path> all = Files.walk(folder)) {
      return all.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString()).sorted().toList();
    }
  }

  /** The card, the lineage and the configs' Parquet shards as the source holds them. */
  private List<String> expected() throws Exception {
    List<String> names = new java.util.ArrayList<>(List.of("README.md", "lineage.json"));
    for (String config : List.of("default", "all")) {
      try (Stream<Path> shards = Files.list(source.resolve(config))) {
        shards.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet")).forEach(n -> names.add(config + "/" + n));
      }
    }
    return names.stream().sorted().toList();
  }

  @Test
  void copiesTheCardTheLineageAndTheConfigsShardsAlone() throws Exception {
    Path out = dir.resolve("published");
    Publish.Result result = publish(out);
    assertEquals(List.of("default", "all"), result.configs());
    assertEquals(expected(), files(out), "no manifest, checksum file, report or run record");
    assertEquals(Files.readString(source.resolve("README.md")), Files.readString(out.resolve("README.md")));
    publish(out);
    assertEquals(expected(), files(out), "an earlier publish is replaced");
  }

  @Test
  void neverReplacesARunFolderNorItsInput() throws Exception {
    Path otherRun = dir.resolve("run").resolve("rl");
    Files.createDirectories(otherRun);
    Files.writeString(otherRun.resolve("_run.json"), "{}");
    Files.writeString(otherRun.resolve(DatasetCard.FILE_NAME), "card");
    ConfigException refused = assertThrows(ConfigException.class, () -> publish(otherRun));
    assertTrue(refused.getMessage().contains("holds _run.json"), refused.getMessage());
    assertEquals(List.of("README.md", "_run.json"), files(otherRun), "left as it was");
    assertTrue(assertThrows(ConfigException.class, () -> publish(source)).getMessage().contains("overlap"));
    assertTrue(assertThrows(ConfigException.class, () -> publish(source.resolve("default"))).getMessage().contains("overlap"));
  }

  @Test
  void aShardThatChangedAfterItWasWrittenStopsThePublishAndKeepsTheLastOne() throws Exception {
    Path out = dir.resolve("published");
    publish(out);
    Path shard = source.resolve("all").resolve("part-00001.parquet");
    byte[] bytes = Files.readAllBytes(shard);
    bytes[bytes.length / 2] ^= 1;
    Files.write(shard, bytes);
    Files.deleteIfExists(source.resolve("all").resolve(".part-00001.parquet.crc"));
    DatasetException e = assertThrows(DatasetException.class, () -> publish(out));
    assertTrue(e.getMessage().contains("changed after it was written"), e.getMessage());
    assertEquals(expected(), files(out), "the previous publish is whole");
    try (Stream<Path> siblings = Files.list(dir)) {
      assertEquals(List.of("published", "run"), siblings.map(p -> p.getFileName().toString()).sorted().toList(), "no staging folder left");
    }
  }
}
