package dev.qedspark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qedspark.io.Manifest;
import dev.qedspark.pipeline.DemoChain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo end to end in a fresh JVM, as a user runs it, with an empty response cache: its wall
 * time (JVM and Spark start-up included) and each step's, from the run's {@code timings.json}.
 */
final class DemoBench {
  static final String SECTION = "demo";

  private DemoBench() {}

  /**
   * @param command the command line that starts the qed main class in a new JVM; "demo" and its
   *     options are added
   */
  static List<Measurement> run(List<String> command, Path scratch, long timeoutSeconds) throws IOException, InterruptedException {
    Path out = scratch.resolve("demo");
    List<String> full = new ArrayList<>(command);
    full.addAll(List.of("demo", "--out", out.toString(), "--set", "llm.cache-dir=" + scratch.resolve("demo-cache")));
    Path log = scratch.resolve("demo.log");
    long started = System.nanoTime();
    Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the demo ran past " + timeoutSeconds + " s; its output is in " + log);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (process.exitValue() != 0) {
      throw new IllegalStateException("the demo failed (exit " + process.exitValue() + "); its output is in " + log);
    }
    List<Measurement> measured = new ArrayList<>();
    double steps = 0;
    for (JsonNode step : Manifest.JSON.readTree(Files.readString(out.resolve(DemoChain.TIMINGS)))) {
      steps += step.path("seconds").asDouble();
      measured.add(Measurement.of(SECTION, "step " + step.path("step").asText(), 1, step.path("seconds").asDouble(), "s", ""));
    }
    measured.add(Measurement.of(SECTION, "./qed demo, empty cache, fresh JVM", 1, seconds, "s",
        String.format("steps %.1f s; JVM and Spark start-up, stop and printing the rest", steps)));
    return measured;
  }
}
