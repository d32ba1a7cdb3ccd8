package dev.qedspark.ingest;

import java.util.List;
import java.util.Map;

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
    double seconds) {

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
   */
  public record SourceCounts(
      boolean benchmark, List<String> files, long problems, long quarantined, Map<String, Long> reasons) {}
}
