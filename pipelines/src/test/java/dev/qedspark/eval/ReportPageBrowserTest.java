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

  /** Skips the test where Chromium is missing, unless {@code QED_REQUIRE_CHROMIUM=1} makes that a failure. */
  private static void requireChromium() {
    boolean required = "1".equals(System.getenv("QED_REQUIRE_CHROMIUM"));
    if (!Files.isExecutable(CHROMIUM)) {
      assertFalse(required, "QED_REQUIRE_CHROMIUM=1 but " + CHROMIUM + " is missing: apt-get install chromium");
      Assumptions.abort("Debian's chromium is not installed (apt-get install chromium)");
    }
  }

  @Test
  void thePageRendersAndShowsTheNumbersOfItsSummary() throws Exception {
    requireChromium();
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
        EvalMetrics.of(samples, 300, 0.95, 1), EvalMetrics.qedNano(samples), EvalMetrics.bySplit(samples, 300, 0.95, 1),
        Map.of("imo-proofbench", 12L), Map.of(), "samples", "report.html", null, 1.0);
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

    assertTrue(dom.contains("<table id=\"grid\">"), "the problem x run grid");
    assertEquals(12, count(dom, "<td class=\"cell\""), "one grid cell per sample");
    assertGridMatches(dom, json);

    Path screenshot = dir.resolve("report.png");
    chromium("--hide-scrollbars", "--window-size=1200,900", "--screenshot=" + screenshot, page.toUri().toString());
    assertTrue(Files.size(screenshot) > 10_000, "a screenshot of the page");
  }

  /** Each run's mean score from the grid's cells equals the run mean in the summary. */
  private static void assertGridMatches(String dom, JsonNode summary) {
    Matcher cell = Pattern.compile("<td class=\"cell\" style=\"[^\"]*\" data-run=\"(\\d+)\" data-score=\"([^\"]*)\" data-max=\"([^\"]*)\"").matcher(dom);
    Map<String, double[]> runs = new java.util.TreeMap<>();
    while (cell.find()) {
      if (!cell.group(2).isEmpty()) {
        double[] sum = runs.computeIfAbsent(cell.group(1), k -> new double[2]);
        sum[0] += 100 * Double.parseDouble(cell.group(2)) / Double.parseDouble(cell.group(3));
        sum[1]++;
      }
    }
    JsonNode expected = summary.path("overall").path("run_means");
    assertEquals(expected.size(), runs.size(), "runs in the grid");
    runs.forEach((run, sum) -> assertEquals(expected.path(run).asDouble(), sum[0] / sum[1], 1e-9, "run " + run));
  }

  @Test
  void anAnswerReportRendersItsMathematicsAndOpensTheSampleACellLinksTo() throws Exception {
    requireChromium();
    assertTrue(Katex.available(), "KaTeX is in the build (pipelines/katex/fetch-katex, run by Maven)");
    List<EvalMetrics.Sample> samples = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    String[] answers = {"\\frac{1}{2}", "0.5", "\\sqrt{2}", null};
    for (int i = 0; i < 4; i++) {
      Double score = answers[i] == null ? null : i < 2 ? 1.0 : 0.0;
      String status = score == null ? "undecided" : "ok";
      samples.add(new EvalMetrics.Sample("q" + i, 0, score, 1, score == null ? null : score >= 1, status, 10L, 0.0, Map.of()));
      rows.add(RowFactory.create("q" + i, 0, "Find $x$ with $x^2 = \\frac{1}{4}$, $x > 0$.", "\\frac{1}{2}", "So $x = \\boxed{" + answers[i] + "}$.",
          answers[i], score, 1.0, status, score == null ? "not_math" : "symbolic", null));
    }
    EvalSetup setup = new EvalSetup("0.1.0", "imo-answerbench", "direct", 1, null,
        Map.of("model", "m", "temperature", 0.6, "top-p", 0.95, "max-tokens", 40960), Map.of(), Map.of("answer-extraction", "boxed"));
    EvalSummary summary = new EvalSummary("imo-answerbench", "answer", null, "m", "direct", 1.0, 10.0, 1,
        EvalMetrics.of(samples, 0, 0.95, 1), null, Map.of(), Map.of("symbolic", 3L, "not_math", 1L), Map.of(), "samples", "report.html", setup, 1.0);
    Path page = Files.writeString(dir.resolve("answers.html"), ReportPage.html(summary, rows));

    List<String> dumped = chromium("--dump-dom", page.toUri() + "#sample-2");
    String dom = dumped.get(0);
    assertFalse(dumped.get(1).contains("CONSOLE") || dumped.get(1).contains("Uncaught"), "console errors:\n" + dumped.get(1));
    assertTrue(count(dom, "class=\"katex\"") >= 6, "gold and extracted answers rendered by KaTeX");
    assertTrue(dom.contains("<math"), "KaTeX's MathML is there for readers");
    assertTrue(Pattern.compile("<details class=\"sample\" id=\"sample-2\"[^>]* open=\"\"").matcher(dom).find(), "the linked sample is open");
    assertTrue(Pattern.compile("id=\"sample-2\"[\\s\\S]*?data-rendered=\"1\"").matcher(dom).find(), "its texts are rendered when it opens");
    assertTrue(dom.contains("<td>model.temperature</td><td>0.6</td>"), "the setup panel");
    assertEquals(4, count(dom, "<td class=\"cell\""));
    assertGridMatches(dom, Manifest.JSON.readTree(Manifest.JSON.writeValueAsString(summary)));
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
