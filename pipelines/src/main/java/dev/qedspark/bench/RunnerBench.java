package dev.qedspark.bench;

import dev.qedspark.llm.ChatMessage;
import dev.qedspark.llm.Endpoint;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmMap;
import dev.qedspark.llm.LlmSettings;
import dev.qedspark.llm.OpenEndpoint;
import dev.qedspark.llm.Prompt;
import dev.qedspark.llm.PromptBuilder;
import dev.qedspark.llm.Role;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The LLM runner ({@link LlmMap}: async client, cache, accounting, Parquet output) against a
 * {@link SlotServer} with K slots and a fixed delay, at exactly K requests in flight (one
 * partition, concurrency K): requests/s as a share of the ideal K / delay, beside a plain
 * sequential HTTP client, and the CPU the whole JVM spent per request.
 */
final class RunnerBench {
  static final String SECTION = "llm runner";
  static final int SLOTS = 16;
  static final long DELAY_MS = 50;
  private static final PromptBuilder ASK = row -> new Prompt(List.of(new ChatMessage("user", row.getString(1))), null);

  private RunnerBench() {}

  static Measurement run(SparkSession spark, int requests, Path scratch) throws Exception {
    try (SlotServer server = new SlotServer(SLOTS, DELAY_MS)) {
      Endpoint endpoint = new Endpoint(List.of(server.baseUrl()), "bench-model", server.baseUrl());
      LlmSettings settings = LlmSettings.DEFAULTS.with(Map.of("concurrency", SLOTS, "max-tokens", 16, "temperature", 0.0,
          "progress-seconds", 3600));
      send(spark, settings, endpoint, 2 * SLOTS, scratch.resolve("warm-up"));
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpuBefore = os.getProcessCpuTime();
      long answeredBefore = server.answered();
      long started = System.nanoTime();
      GenerationReport report = send(spark, settings, endpoint, requests, scratch.resolve("run"));
      double seconds = (System.nanoTime() - started) / 1e9;
      double cpuMsPerRequest = (os.getProcessCpuTime() - cpuBefore) / 1e6 / requests;
      long answered = server.answered() - answeredBefore;
      double ideal = SLOTS * 1000.0 / DELAY_MS;
      int sequentialRequests = Math.max(20, requests / 20);
      double sequential = sequentialRate(server.baseUrl(), sequentialRequests);
      return Measurement.of(SECTION, "LlmMap, " + SLOTS + " slots x " + DELAY_MS + " ms", requests, requests / seconds, "requests/s",
              String.format("%.2f of the ideal %.0f/s; %.2f ms CPU per request (whole JVM, server included); %d ok of %d, %d sent,"
                  + " at most %d in flight; baseline on %d requests", requests / seconds / ideal, ideal, cpuMsPerRequest, report.ok(),
                  requests, answered, server.mostInFlight(), sequentialRequests))
          .against("plain sequential HTTP client", sequential);
    }
  }

  private static GenerationReport send(SparkSession spark, LlmSettings settings, Endpoint endpoint, int n, Path dir) throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create(String.format("q%06d", i), "What is " + i + " + 1?"));
    }
    Dataset<Row> input = spark.createDataFrame(rows, new StructType()
        .add("request_id", DataTypes.StringType, false).add("question", DataTypes.StringType, false)).coalesce(1);
    Files.createDirectories(dir);
    return LlmMap.over(input).keyedBy("request_id").prompt("bench", "sha256:bench", ASK)
        .role(new Role("model", settings, OpenEndpoint.of(endpoint), dir.resolve("cache").toString()))
        .into(dir.resolve("out").toString()).execute();
  }

  /** Requests/s of one request at a time with the JDK's HTTP client. */
  private static double sequentialRate(String baseUrl, int n) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    long started = System.nanoTime();
    for (int i = 0; i < n; i++) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"bench-model\",\"messages\":[{\"role\":\"user\",\"content\":\"What is "
              + i + " + 1?\"}],\"max_tokens\":16}"))
          .build();
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("the benchmark server answered " + response.statusCode());
      }
    }
    return n / ((System.nanoTime() - started) / 1e9);
  }
}
