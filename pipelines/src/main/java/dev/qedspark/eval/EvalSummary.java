package dev.qedspark.eval;

import dev.qedspark.llm.GenerationReport;
import java.util.Map;

/**
 * What an evaluation found, written as {@code summary.json}.
 *
 * @param kind answer or proof
 * @param protocol the judge protocol of a proof benchmark
 * @param model the model under test, as far as known
 * @param passScore the score at which a proof passes
 * @param overall the metrics over every sample
 * @param splits the metrics per split value ({@code level=Advanced}, {@code category=Algebra})
 * @param methods samples per deciding method (symbolic, text, judge, a protocol, truncated, ...)
 * @param judgeCalls what the judges' LLM calls did
 * @param scaffold how responses were made: direct, a scaffold, or file
 * @param callsPerSample mean model calls per response
 * @param tokensPerSample mean prompt + completion tokens per response (all its calls)
 */
public record EvalSummary(String benchmark, String kind, String protocol, String model, String scaffold, Double callsPerSample,
    Double tokensPerSample, int passScore, EvalMetrics.Stats overall,
    Map<String, EvalMetrics.Stats> splits, Map<String, Long> methods, Map<String, GenerationReport> judgeCalls, String samplesPath,
    String reportPath, double seconds) {}
