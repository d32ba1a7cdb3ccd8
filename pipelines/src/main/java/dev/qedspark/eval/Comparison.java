package dev.qedspark.eval;

import dev.qedspark.common.ConfigException;
import dev.qedspark.io.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Evaluations side by side: each one's mean score with its bootstrap interval, overall and per
 * split, and whether two of them can be told apart (their intervals do not overlap). Read from
 * the {@code summary.json} of each evaluation folder; written as one self-contained HTML page.
 */
public final class Comparison {
  /** One evaluation: its folder (the name shown) and its summary. */
  public record Entry(String folder, EvalSummary summary) {}

  private final List<Entry> entries;

  private Comparison(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** Reads {@code summary.json} from each folder; a folder without one is an error that says so. */
  public static Comparison of(List<String> folders) {
    List<Entry> entries = new ArrayList<>();
    for (String folder : folders) {
      Path file = Path.of(folder, Evaluate.SUMMARY);
      if (!Files.isRegularFile(file)) {
        throw new ConfigException(folder + " has no " + Evaluate.SUMMARY + ": give the --out folder of a ./qed eval run");
      }
      try {
        entries.add(new Entry(folder, Manifest.JSON.readerFor(EvalSummary.class)
            .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(file.toFile())));
      } catch (IOException e) {
        throw new ConfigException(file + " cannot be read as an evaluation summary: " + e.getMessage());
      }
    }
    return new Comparison(entries);
  }

  public List<Entry> entries() {
    return entries;
  }

  /** The sets every evaluation can be compared on: "all", then the splits in any of them. */
  public List<String> sets() {
    TreeSet<String> splits = new TreeSet<>();
    entries.forEach(e -> splits.addAll(e.summary().splits().keySet()));
    List<String> sets = new ArrayList<>(List.of("all"));
    sets.addAll(splits);
    return sets;
  }

  /** The metrics of {@code entry} on {@code set}, or null when it has no such split. */
  public static EvalMetrics.Stats stats(Entry entry, String set) {
    return set.equals("all") ? entry.summary().overall() : entry.summary().splits().get(set);
  }

  /**
   * Whether the intervals of two evaluations on a set are apart: only then does the comparison
   * say one scored higher (null when either has no interval).
   */
  public static Boolean apart(EvalMetrics.Stats a, EvalMetrics.Stats b) {
    if (a == null || b == null || a.interval() == null || b.interval() == null) {
      return null;
    }
    return a.interval().high() < b.interval().low() || b.interval().high() < a.interval().low();
  }

  /** "47.8 [44.3, 51.4]", or "-" when there is no score. */
  public static String cell(EvalMetrics.Stats stats) {
    if (stats == null || stats.meanPercent() == null) {
      return "-";
    }
    return ReportPage.percent(stats.meanPercent())
        + (stats.interval() == null ? "" : String.format(Locale.ROOT, " [%.1f, %.1f]", stats.interval().low(), stats.interval().high()));
  }

  /** The comparison as one self-contained page. */
  public String html() {
    StringBuilder h = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Comparison</title><style>")
        .append("body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0;font-size:13px}")
        .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}")
        .append("</style></head><body><h1>Evaluations compared</h1><p>Mean score as % of the maximum, with its bootstrap interval over")
        .append(" problems. Two evaluations differ only where their intervals do not overlap.</p><table id=\"compare\"><tr><th>set</th>");
    for (Entry e : entries) {
      h.append("<th>").append(ReportPage.escape(e.folder())).append("<br><small>").append(ReportPage.escape(e.summary().benchmark()))
          .append(" / ").append(ReportPage.escape(e.summary().model().isEmpty() ? "responses file" : e.summary().model())).append("</small></th>");
    }
    h.append("</tr>");
    for (String set : sets()) {
      h.append("<tr data-set=\"").append(ReportPage.escape(set)).append("\"><td>").append(ReportPage.escape(set)).append("</td>");
      for (Entry e : entries) {
        h.append("<td>").append(cell(stats(e, set))).append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</table><ul id=\"verdicts\">");
    for (String verdict : verdicts()) {
      h.append("<li>").append(ReportPage.escape(verdict)).append("</li>");
    }
    h.append("</ul><h2>Overall</h2>").append(chart());
    return h.append("</body></html>").toString();
  }

  /** A bar per evaluation with its interval, overall. */
  private String chart() {
    StringBuilder svg = new StringBuilder("<svg width=\"760\" height=\"" + (26 * entries.size() + 10) + "\" role=\"img\" aria-label=\"mean scores\">");
    int y = 5;
    for (Entry e : entries) {
      EvalMetrics.Stats all = e.summary().overall();
      double mean = all.meanPercent() == null ? 0 : all.meanPercent();
      svg.append("<text x=\"0\" y=\"").append(y + 15).append("\" font-size=\"12\">").append(ReportPage.escape(e.folder())).append("</text>");
      svg.append(String.format(Locale.ROOT, "<rect x=\"260\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#4c78a8\"/>", y + 3, 4.5 * mean));
      if (all.interval() != null) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#222\"/>", 260 + 4.5 * all.interval().low(),
            260 + 4.5 * all.interval().high(), y + 11, y + 11));
      }
      y += 26;
    }
    return svg.append("</svg>").toString();
  }

  /** For each evaluation after the first: whether its overall interval and the first's are apart. */
  public List<String> verdicts() {
    List<String> out = new ArrayList<>();
    for (int i = 1; i < entries.size(); i++) {
      Boolean apart = apart(stats(entries.get(0), "all"), stats(entries.get(i), "all"));
      out.add(entries.get(0).folder() + " vs " + entries.get(i).folder() + " overall: " + (apart == null
          ? "no intervals to compare (eval.bootstrap = 0?)" : apart ? "the intervals do not overlap"
              : "the intervals overlap: the difference may be noise"));
      out.add(entries.get(0).folder() + " vs " + entries.get(i).folder() + " setup: "
          + setupDifferences(entries.get(0).summary().setup(), entries.get(i).summary().setup()));
    }
    return out;
  }

  /** What differs between two runs' setups, setting by setting; project versions apart. */
  static String setupDifferences(EvalSetup a, EvalSetup b) {
    if (a == null || b == null) {
      return "not recorded for " + (a == null && b == null ? "either run" : "one run") + " (made before setups were recorded)";
    }
    Map<String, String> left = a.flat();
    Map<String, String> right = b.flat();
    java.util.Set<String> keys = new java.util.TreeSet<>(left.keySet());
    keys.addAll(right.keySet());
    List<String> differences = new ArrayList<>();
    for (String key : keys) {
      String x = left.getOrDefault(key, "(none)");
      String y = right.getOrDefault(key, "(none)");
      if (!x.equals(y)) {
        differences.add(key + " " + x + " vs " + y);
      }
    }
    return differences.isEmpty() ? "the same" : "they differ in " + String.join("; ", differences);
  }

  /** For tests and printing: every set's cells, evaluation by evaluation. */
  public Map<String, List<String>> table() {
    Map<String, List<String>> rows = new java.util.LinkedHashMap<>();
    for (String set : sets()) {
      rows.put(set, entries.stream().map(e -> cell(stats(e, set))).toList());
    }
    return rows;
  }
}
