package dev.qedspark.stage;

import java.io.PrintStream;

/**
 * What a stage's run returns: counts, paths and timings, written to its {@code report.json} where
 * it has one, and printed by the command or chain that ran it.
 */
public interface StageResult {
  /** Prints what the run did for a terminal: a headline naming the step, then indented lines. */
  void print(PrintStream out);
}
