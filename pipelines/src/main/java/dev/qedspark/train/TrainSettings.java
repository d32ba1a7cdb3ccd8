package dev.qedspark.train;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;

/**
 * How {@code ./qed train} launches a distributed trainer as a Spark barrier stage.
 *
 * @param ranks trainer processes, one Spark task each (the world size)
 * @param gpusPerRank GPUs each rank's task asks for (0: CPU, as on local[*])
 * @param timeoutMinutes a rank running longer fails the launch (0: no limit)
 * @param tailLines lines of each rank's output kept for the failure message
 */
public record TrainSettings(
    @JsonPropertyDescription("trainer processes (world size), one Spark barrier task each") int ranks,
    @JsonPropertyDescription("GPUs per rank (spark task resource 'gpu'); 0 on CPU") double gpusPerRank,
    @JsonPropertyDescription("a rank running longer fails the launch; 0: no limit") double timeoutMinutes,
    @JsonPropertyDescription("lines of each rank's output quoted when the launch fails") int tailLines) implements Serializable {

  public static final TrainSettings DEFAULTS = new TrainSettings(2, 0, 0, 40);

  public TrainSettings {
    if (ranks < 1) {
      throw new IllegalArgumentException("ranks must be at least 1, not " + ranks);
    }
    if (gpusPerRank < 0) {
      throw new IllegalArgumentException("gpus-per-rank must be 0 or more, not " + gpusPerRank);
    }
    if (timeoutMinutes < 0) {
      throw new IllegalArgumentException("timeout-minutes must be 0 (no limit) or more, not " + timeoutMinutes);
    }
    if (tailLines < 1) {
      throw new IllegalArgumentException("tail-lines must be at least 1, not " + tailLines);
    }
  }

  public TrainSettings withRanks(int n) {
    return new TrainSettings(n, gpusPerRank, timeoutMinutes, tailLines);
  }

  public TrainSettings withTimeoutMinutes(double minutes) {
    return new TrainSettings(ranks, gpusPerRank, minutes, tailLines);
  }
}
