package dev.qedspark.eval;

import dev.qedspark.io.Manifest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The evaluation as one self-contained HTML page (no scripts, styles or fonts from elsewhere, so
 * it works offline): the summary table, a bar per split with its interval, the histogram of
 * scores, the setup that produced the run, a problem x run grid coloured by score whose cells
 * open their sample, and every sample: problem, reference, response, what was graded, score,
 * status, the rule that decided and the judge's full answer. Mathematics is rendered with KaTeX,
 * inlined from the jar ({@link Katex}); without it the page shows LaTeX source. The summary is
 * also embedded as JSON ({@code <script type="application/json" id="summary">}), so a reader or
 * a test can check the page's numbers against {@code summary.json}.
 */
final class ReportPage {
  /** Characters of one text shown on the page; the rest stays in the samples dataset. */
  static final int MAX_TEXT = 20_000;

  private ReportPage() {}

  static String html(EvalSummary s, List<Row> samples) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(escape(s.benchmark() + " - " + s.model())).append("</title><style>")
        .append("body{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:1280px;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
        .append("th:first-child,td:first-child{text-align:left}details{border:1px solid #ddd;margin:4px 0;padding:4px 8px}")
        .append("pre{white-space:pre-wrap;background:#f6f6f6;padding:6px;max-height:24em;overflow:auto}")
        .append(".ok{color:#1a7f37}.bad{color:#b3261e}.other{color:#8a6d00}")
        .append(".tex{white-space:pre-wrap;background:#f6f6f6;padding:6px;max-height:24em;overflow:auto}")
        .append("#grid{font-size:11px}#grid td{min-width:2.2em;text-align:center;padding:1px 3px}#grid td:first-child{text-align:left;white-space:nowrap}")
        .append("#grid a{color:#000;text-decoration:none;display:block}#setup td,#setup th{text-align:left}#setup td{font-family:monospace}")
        .append("</style>").append(Katex.head()).append("</head><body>");
    h.append("<h1>").append(escape(s.benchmark())).append("</h1><p>Model: <b>").append(escape(s.model().isEmpty() ? "(responses file)" : s.model()))
        .append("</b>; kind: ").append(s.kind()).append(s.protocol() == null ? "" : "; judge protocol: " + escape(s.protocol()))
        .append(s.kind().equals("proof") ? "; a proof passes at " + s.passScore() + " of 7" : "")
        .append("; responses: ").append(escape(s.scaffold()))
        .append(s.callsPerSample() == null || "file".equals(s.scaffold()) ? "" : String.format(Locale.ROOT, ", %.1f model calls and %.0f tokens per response", s.callsPerSample(),
            s.tokensPerSample() == null ? 0.0 : s.tokensPerSample()))
        .append(".</p>");

    h.append("<h2>Summary</h2><table id=\"summary-table\"><tr><th>set</th><th>problems</th><th>samples</th><th>mean score %</th>")
        .append("<th>interval</th><th>std across runs</th><th>min run</th><th>max run</th><th>pass@1</th><th>pass@k</th>")
        .append("<th>truncated</th><th>failed</th><th>undecided</th></tr>");
    row(h, "all", s.overall());
    s.splits().forEach((name, stats) -> row(h, name, stats));
    h.append("</table>");

    EvalMetrics.Stats all = s.overall();
    h.append("<h2>Cost of passing and failing</h2><table id=\"effort\"><tr><th>samples</th><th>mean completion tokens</th>")
        .append("<th>mean cost ($)</th></tr><tr><td>passing</td><td>").append(number(all.tokensPassed())).append("</td><td>")
        .append(dollars(all.costPassed())).append("</td></tr><tr><td>failing</td><td>").append(number(all.tokensFailed())).append("</td><td>")
        .append(dollars(all.costFailed())).append("</td></tr></table>");
    h.append("<h2>Mean score by split</h2>").append(splitChart(s));
    h.append("<h2>Scores</h2>").append(histogram(samples));
    h.append("<h2>Deciding method</h2><table><tr><th>method</th><th>samples</th></tr>");
    s.methods().forEach((m, n) -> h.append("<tr><td>").append(escape(m)).append("</td><td>").append(n).append("</td></tr>"));
    h.append("</table>");

    h.append("<h2>Setup</h2>").append(setupTable(s));
    h.append("<h2>Problems and runs</h2>").append(grid(samples));
    h.append("<h2>Samples</h2>");
    int index = 0;
    for (Row r : samples) {
      String status = r.getString(8);
      String scoreText = r.isNullAt(6) ? "no score" : number(r.getDouble(6)) + " / " + number(r.getDouble(7));
      String css = r.isNullAt(6) ? "other" : r.getDouble(6) >= r.getDouble(7) ? "ok" : "bad";
      h.append("<details class=\"sample\" id=\"sample-").append(index++).append("\" data-problem=\"").append(escape(r.getString(0)))
          .append("\"><summary><b>").append(escape(r.getString(0)))
          .append("</b> run ").append(r.getInt(1)).append(": <span class=\"").append(css).append("\">").append(scoreText).append("</span>, ")
          .append(escape(status)).append(r.isNullAt(9) ? "" : " (" + escape(r.getString(9)) + ")").append("</summary>");
      section(h, "Problem", r.getString(2));
      if (s.kind().equals("answer")) {
        formula(h, "Gold answer", r.getString(3));
        formula(h, "Extracted answer", r.getString(5));
        section(h, "Verdict", r.isNullAt(6) ? status + (r.isNullAt(9) ? "" : " (" + r.getString(9) + ")")
            : (r.getDouble(6) >= r.getDouble(7) ? "equal" : "different") + ", decided by the rule: " + r.getString(9));
      } else {
        section(h, "Reference", r.getString(3));
        section(h, "Graded proof", r.getString(5));
      }
      section(h, "Response", r.getString(4));
      section(h, "Judge's answer", r.getString(10));
      h.append("</details>");
    }
    h.append(Katex.render());
    h.append("<script type=\"application/json\" id=\"summary\">").append(json(s).replace("</", "<\\/")).append("</script>");
    return h.append("</body></html>").toString();
  }

  private static void row(StringBuilder h, String name, EvalMetrics.Stats t) {
    h.append("<tr data-set=\"").append(escape(name)).append("\"><td>").append(escape(name)).append("</td><td>").append(t.problems())
        .append("</td><td>").append(t.samples()).append("</td><td class=\"mean\">").append(percent(t.meanPercent())).append("</td><td>")
        .append(t.interval() == null ? "-" : percent(t.interval().low()) + " - " + percent(t.interval().high())).append("</td><td>")
        .append(percent(t.runStd())).append("</td><td>").append(percent(t.runMin())).append("</td><td>").append(percent(t.runMax()))
        .append("</td><td>").append(fraction(t.passAtK().get(1))).append("</td><td>");
    t.passAtK().entrySet().stream().filter(e -> e.getKey() > 1)
        .forEach(e -> h.append(fraction(e.getValue())).append(" (k=").append(e.getKey()).append(")"));
    h.append("</td><td>").append(fraction(t.truncatedFraction())).append("</td><td>").append(fraction(t.failedFraction())).append("</td><td>")
        .append(fraction(t.undecidedFraction())).append("</td></tr>");
  }

  /** Horizontal bars, one per split, with the interval as a line. */
  private static String splitChart(EvalSummary s) {
    Map<String, EvalMetrics.Stats> splits = s.splits();
    if (splits.isEmpty()) {
      return "<p>No splits.</p>";
    }
    int height = 22 * splits.size() + 10;
    StringBuilder svg = new StringBuilder("<svg width=\"720\" height=\"" + height + "\" role=\"img\" aria-label=\"mean score by split\">");
    int y = 5;
    for (Map.Entry<String, EvalMetrics.Stats> e : splits.entrySet()) {
      double mean = e.getValue().meanPercent() == null ? 0 : e.getValue().meanPercent();
      svg.append("<text x=\"0\" y=\"").append(y + 14).append("\" font-size=\"12\">").append(escape(e.getKey())).append("</text>");
      svg.append("<rect x=\"220\" y=\"").append(y + 3).append("\" width=\"").append(String.format(Locale.ROOT, "%.1f", 4.5 * mean))
          .append("\" height=\"14\" fill=\"#4c78a8\"/>");
      EvalMetrics.Interval ci = e.getValue().interval();
      if (ci != null) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#222\"/>", 220 + 4.5 * ci.low(),
            220 + 4.5 * ci.high(), y + 10, y + 10));
      }
      double labelAt = Math.max(mean, ci == null ? mean : ci.high());
      svg.append("<text x=\"").append(String.format(Locale.ROOT, "%.1f", 226 + 4.5 * labelAt)).append("\" y=\"").append(y + 14)
          .append("\" font-size=\"11\">").append(percent(e.getValue().meanPercent())).append("</text>");
      y += 22;
    }
    return svg.append("</svg>").toString();
  }

  /** How many samples got each score (no score counted apart). */
  private static String histogram(List<Row> samples) {
    Map<String, Long> counts = new java.util.TreeMap<>();
    for (Row r : samples) {
      counts.merge(r.isNullAt(6) ? "none" : number(r.getDouble(6)), 1L, Long::sum);
    }
    long most = counts.values().stream().mapToLong(Long::longValue).max().orElse(1);
    StringBuilder svg = new StringBuilder("<svg width=\"" + (60 * counts.size() + 20) + "\" height=\"170\" role=\"img\" aria-label=\"score histogram\">");
    int x = 10;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      double bar = 120.0 * e.getValue() / most;
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"44\" height=\"%.1f\" fill=\"#72b7b2\"/>", x, 135 - bar, bar));
      svg.append("<text x=\"").append(x + 4).append("\" y=\"150\" font-size=\"12\">").append(escape(e.getKey())).append("</text>");
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">%d</text>", x + 4, 131 - bar, e.getValue()));
      x += 60;
    }
    return svg.append("</svg>").toString();
  }

  /** Text with mathematics between {@code $...$}, {@code \\(...\\)} or {@code \\[...\\]}, rendered when its sample is opened. */
  private static void section(StringBuilder h, String title, String text) {
    if (text != null && !text.isEmpty()) {
      h.append("<h4>").append(title).append("</h4><div class=\"tex\">").append(escape(text)).append("</div>");
    }
  }

  /** A formula (an answer), rendered as mathematics when the page loads. */
  private static void formula(StringBuilder h, String title, String tex) {
    h.append("<h4>").append(title).append("</h4>").append(tex == null || tex.isEmpty() ? "<p>none</p>"
        : "<p class=\"formula\">" + escape(formulaText(tex)) + "</p>");
  }

  /** An answer as KaTeX reads it: without math delimiters and the full stop after it. */
  static String formulaText(String tex) {
    return MathText.withoutFinalStop(tex.replaceAll("\\$|\\\\[()\\[\\]]", "").strip());
  }

  /** The setup that produced the evaluation, one row per setting ({@code model.temperature}). */
  private static String setupTable(EvalSummary s) {
    if (s.setup() == null) {
      return "<p>Not recorded.</p>";
    }
    StringBuilder t = new StringBuilder("<table id=\"setup\"><tr><th>setting</th><th>value</th></tr>");
    s.setup().flat().forEach((key, value) -> t.append("<tr><td>").append(escape(key)).append("</td><td>").append(escape(value)).append("</td></tr>"));
    return t.append("</table>").toString();
  }

  /**
   * One row per problem, one column per run; a cell's colour is its score (green full marks, red
   * none, amber between, grey no score), and it opens its sample.
   */
  private static String grid(List<Row> samples) {
    java.util.SortedSet<Integer> runs = new java.util.TreeSet<>();
    Map<String, Map<Integer, Integer>> cells = new java.util.LinkedHashMap<>();
    for (int i = 0; i < samples.size(); i++) {
      Row r = samples.get(i);
      runs.add(r.getInt(1));
      cells.computeIfAbsent(r.getString(0), k -> new java.util.TreeMap<>()).put(r.getInt(1), i);
    }
    StringBuilder g = new StringBuilder("<table id=\"grid\"><tr><th>problem</th>");
    runs.forEach(run -> g.append("<th>").append(run).append("</th>"));
    g.append("</tr>");
    cells.forEach((problem, byRun) -> {
      g.append("<tr><td>").append(escape(problem)).append("</td>");
      for (int run : runs) {
        Integer i = byRun.get(run);
        if (i == null) {
          g.append("<td></td>");
          continue;
        }
        Row r = samples.get(i);
        Double score = r.isNullAt(6) ? null : r.getDouble(6);
        double max = r.getDouble(7);
        String colour = score == null ? "#ddd" : score >= max ? "#8fd19e" : score <= 0 ? "#f1a7a1" : "#f5d68a";
        g.append("<td class=\"cell\" style=\"background:").append(colour).append("\" data-run=\"").append(run).append("\" data-score=\"")
            .append(score == null ? "" : number(score)).append("\" data-max=\"").append(number(max)).append("\" title=\"")
            .append(escape(r.getString(8))).append("\"><a href=\"#sample-").append(i).append("\">").append(score == null ? "-" : number(score))
            .append("</a></td>");
      }
      g.append("</tr>");
    });
    return g.append("</table>").toString();
  }

  static String percent(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.1f", value);
  }

  static String fraction(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.3f", value);
  }

  private static String number(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.0f", value);
  }

  private static String dollars(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.4f", value);
  }

  private static String number(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String json(EvalSummary s) {
    try {
      return Manifest.JSON.writeValueAsString(s);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
