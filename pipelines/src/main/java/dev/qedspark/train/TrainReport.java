package dev.qedspark.train;

import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
import java.util.List;

/**
 * A finished launch.
 *
 * @param ranks world size
 * @param hosts each rank's host, by rank
 * @param shards each rank's shard files, by rank
 * @param seconds wall time from the barrier stage's start to the last rank's exit
 */
public record TrainReport(int ranks, String command, List<String> hosts, List<List<String>> shards, double seconds) implements StageResult {
  @Override
  public void print(PrintStream out) {
    out.printf("train: %d ranks finished on %s in %.1f s%n", ranks, hosts.stream().distinct().toList(), seconds);
    out.println("  command: " + command);
  }
}

