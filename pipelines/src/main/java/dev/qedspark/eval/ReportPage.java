package dev.qedspark.eval;

import dev.qedspark.io.Manifest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The evaluation as one self-contained HTML page (no scripts or styles from elsewhere, so it
 * works offline): the summary table, a bar per split with its interval, the histogram of scores,
 * and every sample to open: problem, reference, response, what was graded, score, status, method
 * and the judge's full answer. The summary is also embedded as JSON
 * ({@code <script type="application/json" id="summary">}), so a reader or a test can check the
 * page's numbers against {@code summary.json}.
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
        .append("</style></head><body>");
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

    h.append("<h2>Samples</h2>");
    for (Row r : samples) {
      String status = r.getString(8);
      String scoreText = r.isNullAt(6) ? "no score" : number(r.getDouble(6)) + " / " + number(r.getDouble(7));
      String css = r.isNullAt(6) ? "other" : r.getDouble(6) >= r.getDouble(7) ? "ok" : "bad";
      h.append("<details class=\"sample\" data-problem=\"").append(escape(r.getString(0))).append("\"><summary><b>").append(escape(r.getString(0)))
          .append("</b> run ").append(r.getInt(1)).append(": <span class=\"").append(css).append("\">").append(scoreText).append("</span>, ")
          .append(escape(status)).append(r.isNullAt(9) ? "" : " (" + escape(r.getString(9)) + ")").append("</summary>");
      section(h, "Problem", r.getString(2));
      section(h, "Reference", r.getString(3));
      section(h, s.kind().equals("answer") ? "Extracted answer" : "Graded proof", r.getString(5));
      section(h, "Response", r.getString(4));
      section(h, "Judge's answer", r.getString(10));
      h.append("</details>");
    }
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

  private static void section(StringBuilder h, String title, String text) {
    if (text != null && !text.isEmpty()) {
      h.append("<h4>").append(title).append("</h4><pre>").append(escape(text)).append("</pre>");
    }
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
