package dev.qedspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An inference fleet on local[4]: {@code ./qed infer} starts two {@code ./qed serve} processes on
 * the tiny model as Spark tasks, spreads its requests over them, loses one server mid-run (killed
 * here) without losing a request, and stops the other when the job ends.
 */
class FleetTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private List<ProcessHandle> servers(String marker) {
    return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains("Qed serve") && c.contains(marker)).orElse(false))
        .toList();
  }

  @Test
  void requestsSpreadOverTheFleetAndSurviveAServerKilledMidRun() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      lines.add("{\"custom_id\": \"r" + i + "\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": {\"messages\": [{\"role\": \"user\","
          + " \"content\": \"Prove statement " + i + ".\"}]}}");
    }
    Path input = Files.writeString(dir.resolve("batch.jsonl"), String.join("\n", lines) + "\n");
    String marker = dir.resolve("fleet-cache").toString();
    Path classpath = Files.writeString(dir.resolve("serve.args"), "-cp " + System.getProperty("java.class.path"));
    String serve = "java @" + classpath + " dev.qedspark.jobs.Qed serve --host {host} --port {port}"
        + " --parallel 2 --set llm.cache-dir=" + marker + " --set llm.engine.context=2048";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AtomicInteger code = new AtomicInteger(-1);
    Thread job = new Thread(() -> code.set(Qed.run(new String[] {"infer", "--input", input.toString(), "--out", dir.resolve("run").toString(),
        "--concurrency", "4",
        "--set", "spark.master=local[4]", "--set", "llm.cache-dir=" + dir.resolve("cache"), "--set", "llm.max-tokens=160",
        "--set", "llm.model=qed-tiny-random", "--set", "llm.fleet.servers=2", "--set", "llm.fleet.gpus-per-server=0",
        "--set", "llm.fleet.start-minutes=2", "--set", "llm.fleet.command=" + serve},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
    job.start();

    long deadline = System.currentTimeMillis() + 120_000;
    while (servers(marker).size() < 2 && job.isAlive() && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(2, servers(marker).size(), "two servers started: " + tail(err));
    Path ledger = dir.resolve("cache");
    while (job.isAlive() && answered(ledger) < 5 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(job.isAlive(), "the job is still running when a server is killed: " + out.toString(StandardCharsets.UTF_8) + tail(err));
    ProcessHandle victim = servers(marker).get(1);
    victim.destroyForcibly();
    job.join(300_000);

    assertEquals(0, code.get(), tail(err));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("60 requests (60 rows)") && printed.contains(", 0 errors,"), printed);
    long ok = Files.readAllLines(dir.resolve("run/output.jsonl")).stream().map(l -> {
      try {
        return JSON.readTree(l);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).filter(j -> j.path("error").isNull() || j.path("error").isMissingNode()).count();
    assertEquals(60, ok, "every request answered despite the killed server");
    long end = System.currentTimeMillis() + 30_000;
    while (!servers(marker).isEmpty() && System.currentTimeMillis() < end) {
      Thread.sleep(200);
    }
    assertEquals(List.of(), servers(marker), "no server outlives the job");
  }

  private static String tail(ByteArrayOutputStream err) {
    String text = err.toString(StandardCharsets.UTF_8);
    return text.length() > 3000 ? "..." + text.substring(text.length() - 3000) : text;
  }

  /** Responses already in the response cache (lines of its segment files): the run is under way. */
  private static long answered(Path cache) {
    try (var files = Files.walk(cache.resolve("segments"))) {
      return files.filter(f -> f.toString().endsWith(".jsonl")).mapToLong(f -> {
        try {
          return Files.readAllLines(f).size();
        } catch (Exception partial) {
          return 0;
        }
      }).sum();
    } catch (Exception notYet) {
      return 0;
    }
  }
}
