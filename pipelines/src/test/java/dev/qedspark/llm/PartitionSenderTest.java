package dev.qedspark.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.io.HadoopConf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionSenderTest {
  @TempDir Path dir;

  @Test
  void keepsConcurrencyRequestsInFlight() throws Exception {
    int concurrency = 8;
    int delayMs = 400;
    int n = 96;
    try (ScriptedServer server = new ScriptedServer((body, seen) -> ScriptedServer.Reply.ok("done").after(delayMs))) {
      LlmSettings settings = GenerationRunnerTest.settings(concurrency, BudgetSettings.DEFAULTS);
      Endpoint endpoint = new Endpoint(server.baseUrl(), "scripted-model", server.baseUrl());
      List<Row> input = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        List<ChatMessage> messages = List.of(new ChatMessage("user", "q" + i));
        var body = RequestBodies.body(settings, endpoint.model(), messages, 0, null);
        input.add(PartitionSender.PreparedRequest.SCHEMA.toRow(new PartitionSender.PreparedRequest(
            "r" + i, messages, 0, RequestBodies.cacheKey(endpoint.identity(), body, 0), body.toString(), null)));
      }
      PartitionSender sender = new PartitionSender("throughput", endpoint, null, settings, BudgetSettings.DEFAULTS, 0,
          new ResponseCache(dir.toString(), new HadoopConf(new Configuration())));

      Iterator<Row> out = sender.call(input.iterator());
      int count = 0;
      while (out.hasNext()) {
        assertEquals("ok", Generation.SCHEMA.fromRow(out.next()).status());
        count++;
      }
      assertEquals(n, count);
      // Steady state: from the arrival of request 2K to that of request n - K, away from the
      // ramp-up (connections, JIT) and the drain at the end.
      List<Long> arrivals = server.arrivals();
      int first = 2 * concurrency;
      int last = n - concurrency;
      double seconds = (arrivals.get(last) - arrivals.get(first)) / 1e9;
      double throughput = (last - first) / seconds;
      double ideal = concurrency * 1000.0 / delayMs;
      System.out.printf("PartitionSender: %.1f requests/s with %d in flight at %d ms each (ideal %.1f)%n",
          throughput, concurrency, delayMs, ideal);
      assertTrue(throughput >= 0.9 * ideal, String.format("%.1f requests/s, ideal %.1f; at most %d at once on the server",
          throughput, ideal, server.mostConcurrent()));
    }
  }
}
