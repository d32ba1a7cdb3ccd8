package dev.qedspark.eval;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qedspark.common.Hashes;
import dev.qedspark.grading.GradingSettings;
import dev.qedspark.io.BuildInfo;
import dev.qedspark.llm.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What produced an evaluation, so that it can be reproduced and two evaluations compared: the
 * project version; the model under test with its revision and every sampling parameter sent
 * (null for a file of responses); the judges with theirs; how responses were made (direct, a
 * scaffold with its sizes, a file) and how many per problem; how answers were extracted and
 * checked; how proofs were graded. Written to {@code summary.json} as {@code setup}, to every
 * sample as the JSON column {@code setup}, and shown by the report.
 */
public record EvalSetup(String projectVersion, String benchmark, String responses, int runs, Map<String, Object> scaffold,
    Map<String, Object> model, Map<String, Object> judges, Map<String, Object> scoring) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param model the role of the model under test; null when the responses came from a file
   * @param responses {@code direct}, a scaffold's name, or {@code file}
   */
  static EvalSetup of(Benchmark benchmark, Role model, String responses, int runs, EvalSettings eval, GradingSettings grading, List<Role> judges) {
    Map<String, Object> scaffold = null;
    if (Scaffold.NAMES.contains(responses) && !responses.equals("direct")) {
      scaffold = asMap(eval.scaffold());
    }
    Map<String, Object> judging = new LinkedHashMap<>();
    // Answers: the first judge decides what the check cannot, unless told not to or it is the tiny test model (then nobody does).
    List<Role> used = benchmark.kind() == Benchmark.Kind.ANSWER
        ? judges.stream().limit(eval.judgeUndecided() ? 1 : 0).filter(j -> !j.endpoint().isTinyRandomModel()).toList() : judges;
    used.forEach(j -> judging.put(j.name(), sampling(j, 1)));
    Map<String, Object> scoring = new LinkedHashMap<>();
    if (benchmark.kind() == Benchmark.Kind.ANSWER) {
      scoring.put("answer-extraction", eval.answerExtraction());
      scoring.put("numeric-tolerance", eval.numericTolerance());
      scoring.put("check-millis", eval.checkMillis());
      scoring.put("judge-undecided", eval.judgeUndecided());
      scoring.put("pass-score", 1);
    } else {
      scoring.put("protocol", benchmark.protocol().id());
      scoring.put("repeats", grading.repeats());
      scoring.put("aggregate", grading.aggregate());
      scoring.put("pass-score", eval.passScore());
    }
    scoring.put("thinking", eval.thinking());
    scoring.put("metrics", eval.metrics());
    return new EvalSetup(BuildInfo.codeVersion(), benchmark.name(), responses, runs, scaffold,
        model == null ? null : sampling(model, runs), judging, scoring);
  }

  /** A role's model, revision and every sampling parameter a request carries ({@code n}: samples per prompt). */
  private static Map<String, Object> sampling(Role role, int n) {
    Map<String, Object> s = new LinkedHashMap<>(role.answerIdentity());
    s.remove("price");
    s.put("model-revision", role.settings().modelRevision());
    s.put("n", n);
    return s;
  }

  /** Every value by its dotted path ({@code model.temperature}), for comparing two setups. */
  public Map<String, String> flat() {
    Map<String, String> out = new TreeMap<>();
    flatten("", asMap(this), out);
    return out;
  }

  /** A record as a map by its settings' names (kebab case), through the canonical JSON form. */
  private static Map<String, Object> asMap(Object value) {
    try {
      return JSON.readValue(Hashes.canonicalJson(value), new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void flatten(String prefix, Object value, Map<String, String> out) {
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, out));
    } else {
      out.put(prefix, String.valueOf(value));
    }
  }
}
