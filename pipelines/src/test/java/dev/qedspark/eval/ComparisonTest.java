package dev.qedspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.common.ConfigException;
import dev.qedspark.io.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evaluations side by side, read back from their summary.json files. */
class ComparisonTest {
  @TempDir Path dir;

  private String evaluation(String name, double... scores) throws Exception {
    return sampledAt(name, 0.6, scores);
  }

  private String sampledAt(String name, double temperature, double... scores) throws Exception {
    List<EvalMetrics.Sample> samples = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      samples.add(new EvalMetrics.Sample("p" + i, 0, scores[i], 7, scores[i] >= 7, "ok", 10L, 0.0, Map.of("subset", i % 2 == 0 ? "Basic" : "Advanced")));
    }
    EvalSummary summary = new EvalSummary("imo-proofbench", "proof", "imo-proofbench", name, "direct", 1.0, 100.0, 7, EvalMetrics.of(samples, 500, 0.95, 1), null,
        EvalMetrics.bySplit(samples, 500, 0.95, 1), Map.of(), Map.of(), "samples", "report.html",
        new EvalSetup("0.1.0", "imo-proofbench", "direct", 4, null, Map.of("model", name, "temperature", temperature, "top-p", 0.95),
            Map.of("judge", Map.of("model", "j", "temperature", 0.0)), Map.of("protocol", "imo-proofbench")), 1);
    Path folder = Files.createDirectories(dir.resolve(name));
    Files.writeString(folder.resolve(Evaluate.SUMMARY), Manifest.JSON.writeValueAsString(summary));
    return folder.toString();
  }

  @Test
  void theTableShowsEachMeanWithItsIntervalAndTellsWhetherTheyDiffer() throws Exception {
    String weak = evaluation("weak", 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0);
    String strong = evaluation("strong", 7, 7, 7, 6, 7, 7, 7, 7, 7, 6, 7, 7);
    String close = evaluation("close", 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0);
    Comparison comparison = Comparison.of(List.of(weak, strong, close));
    assertEquals(List.of("all", "subset=Advanced", "subset=Basic"), comparison.sets());
    Map<String, List<String>> table = comparison.table();
    assertEquals(Comparison.cell(comparison.entries().get(1).summary().overall()), table.get("all").get(1));
    assertTrue(table.get("all").get(0).startsWith("1.2 ["), table.toString());
    assertTrue(Comparison.apart(comparison.entries().get(0).summary().overall(), comparison.entries().get(1).summary().overall()));
    assertFalse(Comparison.apart(comparison.entries().get(0).summary().overall(), comparison.entries().get(2).summary().overall()));
    assertTrue(comparison.html().contains("data-set=\"subset=Basic\""));
    assertEquals(List.of(weak + " vs " + strong + " overall: the intervals do not overlap",
        weak + " vs " + close + " overall: the intervals overlap: the difference may be noise"),
        comparison.verdicts().stream().filter(v -> v.contains(" overall: ")).toList());
    assertTrue(comparison.html().contains("the intervals overlap: the difference may be noise"), "the page says so too");
    assertThrows(ConfigException.class, () -> Comparison.of(List.of(dir.resolve("nowhere").toString())));
  }

  @Test
  void theComparisonSaysWhichSettingsTwoRunsDifferIn() throws Exception {
    String cold = sampledAt("cold", 0.6, 7, 0);
    String hot = sampledAt("hot", 1.0, 7, 0);
    List<String> verdicts = Comparison.of(List.of(cold, hot)).verdicts();
    String setup = verdicts.stream().filter(v -> v.contains(" setup: ")).findFirst().orElseThrow();
    assertTrue(setup.contains("model.temperature 0.6 vs 1.0"), setup);
    assertTrue(setup.contains("model.model cold vs hot"), setup);
    assertFalse(setup.contains("top-p"), "equal settings are not listed: " + setup);
    String same = Comparison.of(List.of(cold, sampledAt("cold2", 0.6, 7, 7))).verdicts().get(1);
    assertTrue(same.endsWith("they differ in model.model cold vs cold2"), same);
  }
}
