package dev.qedspark.curation;

import dev.qedspark.decontam.DecontamSettings;
import dev.qedspark.dedup.DedupSettings;
import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a curation run did, written as {@code report.json}.
 *
 * @param input problems read (benchmarks included)
 * @param benchmarks benchmark problems used as the reference set (not curated)
 * @param curated problems kept
 * @param removedByReason removed problems per reason
 * @param bySource per source: kept, and removed per reason
 * @param clusterSizes near-duplicate clusters by size
 * @param dedup the near-duplicate settings used
 * @param decontam the decontamination settings used
 * @param curatedPath where the curated dataset is
 * @param removedPath where the removed rows are
 * @param seconds wall time
 * @param secondsByStep wall time of each step, in order (normalization, decontamination, dedup,
 *     writing, counting): where the time went
 */
public record CurateReport(
    long input,
    long benchmarks,
    long curated,
    Map<String, Long> removedByReason,
    Map<String, Map<String, Long>> bySource,
    Map<Long, Long> clusterSizes,
    DedupSettings dedup,
    DecontamSettings decontam,
    String curatedPath,
    String removedPath,
    double seconds,
    Map<String, Double> secondsByStep) implements StageResult {
  @Override
  public void print(PrintStream out) {
    long removed = removedByReason.values().stream().mapToLong(Long::longValue).sum();
    out.printf("curate: %,d problems kept, %,d removed (%s), %,d benchmark problems as reference, in %.1f s%n", curated, removed,
        removedByReason.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")), benchmarks, seconds);
    out.printf("  %-22s %8s  %s%n", "source", "kept", "removed");
    bySource.forEach((source, outcomes) -> out.printf("  %-22s %,8d  %s%n", source, outcomes.getOrDefault("kept", 0L),
        outcomes.entrySet().stream().filter(e -> !e.getKey().equals("kept")).map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "))));
    out.println("  near-duplicate clusters by size: " + clusterSizes);
    out.println("  curated: " + curatedPath);
    out.println("  removed: " + removedPath);
  }
}

