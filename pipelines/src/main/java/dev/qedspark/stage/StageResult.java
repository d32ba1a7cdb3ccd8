package dev.qedspark.stage;

import java.io.PrintStream;

/**
 * What a stage's run returns: counts, paths and timings, written to its {@code report.json} where
 * it has one, and printed by the command or chain that ran it.
 */
public interface StageResult {
  /** Prints what the run did for a terminal: a headline, then indented lines (the chain has named the step above it). */
  void print(PrintStream out);
}
