package dev.qedspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qedspark.io.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report page in headless Chromium (Debian's {@code chromium}): it renders without errors,
 * offline, and the numbers it shows equal the summary it embeds. Skipped where Chromium is not
 * installed, unless {@code QED_REQUIRE_CHROMIUM=1} (as in CI, which installs it).
 */
class ReportPageBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  @TempDir Path dir;

  private List<String> chromium(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + dir.resolve("profile"), "--enable-logging=stderr", "--v=0"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium did not finish");
    return List.of(out, Files.readString(dir.resolve("stderr.txt")));
  }

  @Test
  void thePageRendersAndShowsTheNumbersOfItsSummary() throws Exception {
    boolean required = "1".equals(System.getenv("QED_REQUIRE_CHROMIUM"));
    if (!Files.isExecutable(CHROMIUM)) {
      assertFalse(required, "QED_REQUIRE_CHROMIUM=1 but " + CHROMIUM + " is missing: apt-get install chromium");
      Assumptions.abort("Debian's chromium is not installed (apt-get install chromium)");
    }
    List<EvalMetrics.Sample> samples = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      for (int run = 0; run < 2; run++) {
        Double score = i == 5 && run == 1 ? null : (double) ((i + run) % 3 == 0 ? 7 : i % 7);
        String status = score == null ? "judge_error" : "ok";
        samples.add(new EvalMetrics.Sample("p" + i, run, score, 7, score == null ? null : score >= 7, status, 100L, 0.01,
            Map.of("subset", i < 3 ? "Basic" : "Advanced")));
        rows.add(RowFactory.create("p" + i, run, "Problem <" + i + ">", "Reference " + i, "Response </script><b>" + i, "proof " + i,
            score, 7.0, status, "imo-proofbench", "<points>" + score + " out of 7</points>"));
      }
    }
    EvalSummary summary = new EvalSummary("imo-proofbench", "proof", "imo-proofbench", "test-model", "direct", 1.0, 100.0, 7,
        EvalMetrics.of(samples, 300, 0.95, 1), EvalMetrics.bySplit(samples, 300, 0.95, 1), Map.of("imo-proofbench", 12L), Map.of(),
        "samples", "report.html", 1.0);
    Path page = Files.writeString(dir.resolve("report.html"), ReportPage.html(summary, rows));

    List<String> dumped = chromium("--dump-dom", page.toUri().toString());
    String dom = dumped.get(0);
    assertFalse(dumped.get(1).contains("CONSOLE") || dumped.get(1).contains("Uncaught"), "console errors:\n" + dumped.get(1));
    assertTrue(dom.contains("</html>"), "the page rendered");
    assertEquals(12, count(dom, "<details class=\"sample\""), "every sample is on the page");
    assertFalse(dom.contains("<b>0"), "response text is escaped, not markup");

    Matcher embedded = Pattern.compile("<script type=\"application/json\" id=\"summary\">(.*?)</script>", Pattern.DOTALL).matcher(dom);
    assertTrue(embedded.find());
    JsonNode json = Manifest.JSON.readTree(embedded.group(1).replace("<\\/", "</"));
    assertEquals(Manifest.JSON.readTree(Manifest.JSON.writeValueAsString(summary)), json, "the page embeds the summary as written");
    for (String set : List.of("all", "subset=Basic", "subset=Advanced")) {
      JsonNode stats = set.equals("all") ? json.path("overall") : json.path("splits").path(set);
      Matcher row = Pattern.compile("<tr data-set=\"" + Pattern.quote(set) + "\"><td>[^<]*</td><td>(\\d+)</td><td>(\\d+)</td><td class=\"mean\">([^<]*)</td>")
          .matcher(dom);
      assertTrue(row.find(), set + " row");
      assertEquals(stats.path("problems").asLong(), Long.parseLong(row.group(1)), set);
      assertEquals(stats.path("samples").asLong(), Long.parseLong(row.group(2)), set);
      assertEquals(ReportPage.percent(stats.path("mean_percent").asDouble()), row.group(3), set);
    }

    Path screenshot = dir.resolve("report.png");
    chromium("--hide-scrollbars", "--window-size=1200,900", "--screenshot=" + screenshot, page.toUri().toString());
    assertTrue(Files.size(screenshot) > 10_000, "a screenshot of the page");
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
