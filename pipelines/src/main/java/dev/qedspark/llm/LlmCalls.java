package dev.qedspark.llm;

import java.io.PrintStream;
import java.util.Map;

/**
 * A stage's result that tells what its LLM calls did, call by call (the tagger, each attempt at
 * the rubrics, each judge, the rollouts): what a chain prints after a step, and what a dry run
 * counts.
 */
public interface LlmCalls {
  /** Each LLM call of the step by name, in the order they ran. */
  Map<String, GenerationReport> llmCalls();

  /** One line per call: requests, cache hits, sent, errors, unreadable answers, cost. */
  default void printCalls(PrintStream out) {
    llmCalls().forEach((name, g) -> out.printf("  %s: %,d requests, %,d from the cache, %,d sent, %,d errors, %,d unreadable, $%.4f%n",
        name, g.requests(), g.cacheHits(), g.sent(), g.errors(), g.parseErrors(), g.cost()));
  }
}
