package dev.qedspark.curation;

import dev.qedspark.decontam.DecontamSettings;
import dev.qedspark.dedup.DedupSettings;
import java.util.Map;

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
    Map<String, Double> secondsByStep) {}
