package dev.qedspark.ingest;

import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What an ingest run did, written as {@code report.json} next to the datasets.
 *
 * @param problems rows written to {@code problems}
 * @param quarantined rows written to {@code quarantine}
 * @param sources per source: its files and counts, in catalog order
 * @param quarantineReasons quarantined rows per reason, over all sources
 * @param problemsPath where the problems dataset is
 * @param quarantinePath where the quarantine dataset is
 * @param seconds wall time of the run
 */
public record IngestReport(
    long problems,
    long quarantined,
    Map<String, SourceCounts> sources,
    Map<String, Long> quarantineReasons,
    String problemsPath,
    String quarantinePath,
    double seconds) implements StageResult {
  @Override
  public void print(PrintStream out) {
    out.printf("ingest: %,d problems, %,d quarantined, in %.1f s%n", problems, quarantined, seconds);
    out.printf("  %-22s %-9s %5s %9s %11s  %s%n", "source", "benchmark", "files", "problems", "quarantined", "reasons");
    for (Map.Entry<String, SourceCounts> e : sources.entrySet()) {
      SourceCounts c = e.getValue();
      String reasons = c.reasons().entrySet().stream().map(r -> r.getKey() + " " + r.getValue()).collect(Collectors.joining(", "));
      out.printf("  %-22s %-9s %5d %,9d %,11d  %s%n", e.getKey(), c.benchmark() ? "yes" : "", c.files().size(), c.problems(), c.quarantined(),
          reasons);
    }
    for (String empty : emptySources()) {
      List<String> files = sources.get(empty).files();
      out.println("  warning: source " + empty + " holds no records (empty files, a CSV header alone, [] or empty Parquet): "
          + String.join(", ", files.subList(0, Math.min(3, files.size()))) + (files.size() > 3 ? " and " + (files.size() - 3) + " more" : ""));
    }
    out.println("  problems:   " + problemsPath);
    out.println("  quarantine: " + quarantinePath);
  }

  /** Sources whose files held no record at all (empty files, a CSV header alone, {@code []}): most likely a wrong path or an unfinished export. */
  public List<String> emptySources() {
    return sources.entrySet().stream()
        .filter(e -> e.getValue().problems() == 0 && e.getValue().quarantined() == 0)
        .map(Map.Entry::getKey)
        .toList();
  }

  /**
   * Counts for one source.
   *
   * @param benchmark whether the source is a benchmark set
   * @param files the files read
   * @param problems rows that became problems
   * @param quarantined rows that were quarantined
   * @param reasons quarantined rows per reason
   * @param license the source's licence as its catalog states it, or null
   */
  public record SourceCounts(
      boolean benchmark, List<String> files, long problems, long quarantined, Map<String, Long> reasons, String license) {}
}
