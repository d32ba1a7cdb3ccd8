package dev.qedspark.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qedspark.common.Hashes;
import dev.qedspark.io.HadoopConf;
import dev.qedspark.spark.SparkTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

class ResponseCacheTest extends SparkTestBase {
  @TempDir Path dir;

  private ResponseCache cache() {
    return new ResponseCache(dir.toString(), new HadoopConf(spark.sparkContext().hadoopConfiguration()));
  }

  private static String key(int i) {
    return Hashes.sha256("request " + i);
  }

  private static com.fasterxml.jackson.databind.JsonNode response(int i) throws Exception {
    return RequestBodies.JSON.readTree("{\"choices\": [{\"message\": {\"content\": \"answer " + i + "\"}}]}");
  }

  /** What the cache answers for requests 1 to 4. */
  private Map<String, String> lookUpAll() throws Exception {
    org.apache.spark.util.sketch.BloomFilter wanted = org.apache.spark.util.sketch.BloomFilter.create(10, 0.001);
    for (int i = 1; i <= 4; i++) {
      wanted.putString(key(i));
    }
    Map<String, String> found = new TreeMap<>();
    try (ResponseCache.Reader reader = cache().reader()) {
      for (Tuple2<String, ResponseCache.Location> entry : cache().index(spark, wanted).collect()) {
        found.put(entry._1(), reader.read(entry._2()).response().path("choices").path(0).path("message").path("content").asText());
      }
    }
    return found;
  }

  @Test
  void aLineCutShortByAKillIsSkippedAndTheRestIsFound() throws Exception {
    try (ResponseCache.Writer writer = cache().writer("run-a", 3)) {
      writer.append(key(1), response(1), 10, 1);
      writer.append(key(2), response(2), 10, 1);
    }
    Path segment;
    Path index;
    try (Stream<Path> files = Files.list(dir.resolve("segments").resolve("run-a"))) {
      segment = files.findFirst().orElseThrow();
    }
    try (Stream<Path> files = Files.list(dir.resolve("index").resolve("run-a"))) {
      index = files.findFirst().orElseThrow();
    }
    // A kill while the third response was being written: half its line, and half an index line.
    Files.writeString(segment, "{\"key\": \"" + key(3) + "\", \"respo", StandardOpenOption.APPEND);
    Files.writeString(index, key(3).substring(0, 20), StandardOpenOption.APPEND);

    assertEquals(Map.of(key(1), "answer 1", key(2), "answer 2"), lookUpAll());
    try (ResponseCache.Writer writer = cache().writer("run-b", 0)) {
      writer.append(key(9), response(9), 10, 1);
    }
    assertEquals(Map.of(key(1), "answer 1", key(2), "answer 2"), lookUpAll(), "keys nobody asks for are filtered out");
    assertEquals(2, cache().writtenBy("run-a", 3).size(), "a retried task of the run finds the same two");
    assertEquals(0, cache().writtenBy("run-a", 4).size(), "and only its own partition's");
    assertEquals(0, cache().writtenBy("run-c", 3).size(), "and only its own run's");
  }

  @Test
  void aCacheWrittenBeforeTheIndexIsIndexedOnFirstUse() throws Exception {
    Files.createDirectories(dir.resolve("segments"));
    StringBuilder legacy = new StringBuilder();
    for (int i = 1; i <= 3; i++) {
      legacy.append("{\"key\": \"").append(key(i)).append("\", \"response\": ").append(response(i)).append(", \"latency_ms\": 5}\n");
    }
    legacy.append("{\"key\": \"").append(key(4)).append("\", \"resp");
    String name = java.util.UUID.randomUUID().toString();
    Files.writeString(dir.resolve("segments").resolve(name + ".jsonl"), legacy, StandardCharsets.UTF_8);

    assertEquals(Map.of(key(1), "answer 1", key(2), "answer 2", key(3), "answer 3"), lookUpAll());
    assertEquals(3, Files.readAllLines(dir.resolve("index").resolve(ResponseCache.LEGACY_RUN).resolve(name + ".tsv")).size());
  }
}
