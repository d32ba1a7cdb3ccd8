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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures that come from Spark, Hadoop or Parquet end as one line that says what to fix, with no
 * stack trace. Its own class, so its own JVM: Spark NLP keeps the first SparkSession of a JVM,
 * and curate here must not meet one that another test stopped.
 */
class FailureMessagesTest {
  @TempDir Path dir;

  private static QedCliTest.Outcome qed(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Qed.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new QedCliTest.Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void sparkAndFileFailuresAreOneLineThatSaysWhatToFix() throws IOException {
    Path input = Files.writeString(dir.resolve("p.jsonl"), "{\"id\": \"1\", \"problem\": \"Prove that 1 < 2.\"}\n"
        + "{\"id\": \"2\", \"problem\": \"Prove that 2 < 3.\"}\n");
    QedCliTest.Outcome badConf = qed("ingest", "--input", input.toString(), "--out", dir.resolve("a").toString(),
        "--set", "spark.master=local[2]", "--set", "spark.conf.spark.sql.shuffle.partitions=abc");
    assertEquals(2, badConf.code(), badConf.err());
    assertTrue(badConf.err().contains("the Spark setting spark.sql.shuffle.partitions must be an int, not 'abc'"), badConf.err());
    assertFalse(badConf.err().contains("\tat "), "no stack trace: " + badConf.err());

    QedCliTest.Outcome ingested = qed("ingest", "--input", input.toString(), "--out", dir.resolve("b").toString(), "--set", "spark.master=local[2]",
        "--set", "datasets.shards=1");
    assertEquals(0, ingested.code(), ingested.err());
    Path shard = dir.resolve("b/problems/part-00000.parquet");
    byte[] bytes = Files.readAllBytes(shard);
    bytes[4] ^= (byte) 0xFF; // changed in place, in the data rather than the footer: the checksum file beside it no longer matches
    Files.write(shard, bytes);
    QedCliTest.Outcome curate = qed("curate", "--problems", dir.resolve("b/problems").toString(), "--out", dir.resolve("c").toString(),
        "--no-default-benchmarks", "--set", "spark.master=local[2]", "--set", "curate.decontam.embeddings=false");
    assertEquals(1, curate.code(), curate.err());
    // said by the reader's footer check or, for a byte in the data as here, by Spark's task: the same words
    assertTrue(curate.err().contains("changed after it was written (its checksum does not match)")
        && curate.err().contains("part-00000.parquet"), curate.err());
    assertFalse(curate.err().contains("\tat "), "no stack trace: " + curate.err());
  }

  @Test
  void anOutFolderThatCannotBeMadeIsOneLineBeforeAnyWork() throws IOException {
    Path input = Files.writeString(dir.resolve("p.jsonl"), "{\"id\": \"1\", \"problem\": \"Prove that 1 < 2.\"}\n");
    // /proc refuses new folders even to root, for whom a read-only folder is no obstacle
    QedCliTest.Outcome ingest = qed("ingest", "--input", input.toString(), "--out", "/proc/qed-failure-test", "--set", "spark.master=local[2]");
    assertEquals(1, ingest.code(), ingest.err());
    assertTrue(ingest.err().contains("cannot create the output folder /proc/qed-failure-test"), ingest.err());
    assertFalse(ingest.out().contains("problems"), "stopped before any work: " + ingest.out());
    QedCliTest.Outcome bench = qed("bench", "--only", "runner", "--out", "/proc/qed-failure-test");
    assertEquals(1, bench.code(), bench.err());
    assertTrue(bench.err().contains("no such file or folder: /proc/qed-failure-test"), bench.err());
    for (String err : java.util.List.of(ingest.err(), bench.err())) {
      assertFalse(err.contains("\tat "), "no stack trace: " + err);
    }
  }
}
