package dev.qedspark.bench;

import dev.qedspark.decontam.DecontamSettings;
import dev.qedspark.decontam.Decontamination;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Decontamination's two signals over a corpus against the bundled benchmarks: the n-gram signal
 * alone, and the embedding signal beside bare ONNX Runtime on the same texts.
 */
final class DecontamBench {
  static final String SECTION = "decontamination";

  private final Dataset<Row> benchmarks;
  private final DecontamSettings settings;
  private final int cores;

  /** @param benchmarks normalized benchmark problems (problem_id, problem, normalized, tokens), persisted */
  DecontamBench(Dataset<Row> benchmarks, DecontamSettings settings, int cores) {
    this.benchmarks = benchmarks;
    this.settings = settings;
    this.cores = cores;
  }

  /** Seconds to find the contaminated problems of {@code corpus}, and how many were found. */
  private double[] decontaminate(Dataset<Row> corpus, boolean embeddings) {
    long started = System.nanoTime();
    long found = Decontamination.of(corpus, benchmarks).settings(settings.withEmbeddings(embeddings)).execute().count();
    return new double[] {(System.nanoTime() - started) / 1e9, found};
  }

  Measurement ngrams(Dataset<Row> corpus, long size) {
    double[] run = decontaminate(corpus, false);
    return Measurement.of(SECTION, settings.ngramSize() + "-gram signal", size, size / run[0] / cores, "problems/s/core",
        String.format("%.1f s, %.0f contaminated", run[0], run[1]));
  }

  /**
   * The embedding signal's texts/s (its time over the n-gram signal's on the same rows) beside bare
   * ONNX Runtime; both have embedded a few batches first, so neither pays for loading the model.
   */
  Measurement embeddings(Dataset<Row> corpus) throws Exception {
    List<String> texts = new ArrayList<>();
    corpus.select("problem").collectAsList().forEach(r -> texts.add(r.getString(0)));
    benchmarks.select("problem").collectAsList().forEach(r -> texts.add(r.getString(0)));
    double ngramSeconds = decontaminate(corpus, false)[0];
    decontaminate(corpus.limit(2 * BareOnnxEmbedder.BATCH), true);
    double[] both = decontaminate(corpus, true);
    double seconds = Math.max(1e-3, both[0] - ngramSeconds);
    int embedded;
    double bareSeconds;
    try (BareOnnxEmbedder bare = new BareOnnxEmbedder()) {
      bare.embedAll(texts.subList(0, Math.min(texts.size(), 2 * BareOnnxEmbedder.BATCH)));
      long started = System.nanoTime();
      embedded = bare.embedAll(texts);
      bareSeconds = (System.nanoTime() - started) / 1e9;
    }
    return Measurement.of(SECTION, "embedding signal (all-MiniLM-L6-v2)", texts.size(), texts.size() / seconds / cores, "texts/s/core",
            String.format("%.1f s over the n-gram signal's %.1f s, %.0f contaminated; baseline %.1f s", seconds, ngramSeconds, both[1],
                bareSeconds))
        .against("bare ONNX Runtime, one thread, all cores", embedded / bareSeconds / cores);
  }
}
