package dev.qedspark.llm;

import java.util.Map;

/**
 * A stage's result that tells what its LLM calls did, call by call (the tagger, each attempt at
 * the rubrics, each judge, the rollouts): what a chain prints after a step, and what a dry run
 * counts.
 */
public interface LlmCalls {
  /** Each LLM call of the step by name, in the order they ran. */
  Map<String, GenerationReport> llmCalls();
}
