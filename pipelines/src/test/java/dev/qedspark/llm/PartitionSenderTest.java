package dev.qedspark.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qedspark.io.HadoopConf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionSenderTest {
  @TempDir Path dir;

  /** Counted by the server, not timed: the sender keeps exactly K requests in flight, never more. */
  @Test
  void keepsConcurrencyRequestsInFlightAndNoMore() throws Exception {
    int concurrency = 8;
    int n = 48;
    try (ScriptedServer server = new ScriptedServer((body, seen) -> ScriptedServer.Reply.ok("done").after(300))) {
      LlmSettings settings = LlmMapTest.settings(concurrency, BudgetSettings.DEFAULTS);
      Endpoint endpoint = new Endpoint(server.baseUrl(), "scripted-model", server.baseUrl());
      List<PreparedRequest> input = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        var body = RequestBodies.body(settings, endpoint.model(), List.of(new ChatMessage("user", "q" + i)), 0, null);
        input.add(new PreparedRequest(RowFactory.create("r" + i), 0, 1, RequestBodies.cacheKey(endpoint.identity(), body, 0),
            body.toString(), null));
      }
      PartitionSender sender = new PartitionSender("run-1", endpoint, null, settings, BudgetSettings.DEFAULTS, 0,
          new ResponseCache(dir.toString(), new HadoopConf(new Configuration())));

      Iterator<Answer> out = sender.call(input.iterator());
      int count = 0;
      while (out.hasNext()) {
        assertEquals(null, out.next().error());
        count++;
      }
      assertEquals(n, count);
      assertEquals(concurrency, server.mostConcurrent(), "at most, and at some point exactly, K at once on the server");
    }
  }
}
