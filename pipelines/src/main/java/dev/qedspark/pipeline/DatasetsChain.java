package dev.qedspark.pipeline;

import dev.qedspark.curation.Filter;
import dev.qedspark.curation.Rubrics;
import dev.qedspark.llm.LlmMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The FineProofs chain as a declaration: filter, rubrics, generate, grade, rl and sft (last, so
 * that it carries the policy rewards when rl runs), each in
 * its own folder under the output root, each reading what the step before it wrote (a step that
 * is switched off passes its input on). Up-to-date steps are skipped, and every LLM answer comes
 * from the response cache when it can, so a refresh with new problems pays only for them.
 */
public final class DatasetsChain {
  public static final List<String> STEPS = List.of("filter", "rubrics", "generate", "grade", "rl", "sft");

  private DatasetsChain() {}

  /**
   * @param problems the problems dataset to start from (curated, usually)
   * @param skip steps to leave out
   * @param samples teacher proofs per problem
   */
  public static Chain of(Stages stages, String problems, String root, Set<String> skip, int samples) {
    for (String step : skip) {
      if (!STEPS.contains(step)) {
        throw new IllegalArgumentException("there is no step '" + step + "'; the steps are " + STEPS);
      }
    }
    if (!skip.contains("sft") && (skip.contains("generate") || skip.contains("grade"))) {
      throw new IllegalArgumentException("sft needs the generate and grade steps; skip sft too, or keep them");
    }
    if (!skip.contains("grade") && skip.contains("generate")) {
      throw new IllegalArgumentException("grade needs the generate step; skip grade too, or keep generate");
    }
    List<Chain.Step> steps = new ArrayList<>();
    String current = problems;
    if (!skip.contains("filter")) {
      steps.add(Chain.step("filter", () -> stages.filter(problems).into(root + "/filter")));
      current = root + "/filter/" + Filter.PROBLEMS;
    }
    if (!skip.contains("rubrics")) {
      String input = current;
      steps.add(Chain.step("rubrics", () -> stages.rubrics(input).into(root + "/rubrics")));
      current = root + "/rubrics/" + Rubrics.PROBLEMS;
    }
    String withRubrics = current;
    String proofs = root + "/generate/" + LlmMap.GENERATIONS;
    if (!skip.contains("generate")) {
      steps.add(Chain.step("generate", () -> stages.generate(withRubrics, null, samples).into(root + "/generate")));
    }
    if (!skip.contains("grade")) {
      steps.add(Chain.step("grade", () -> stages.grade(proofs, withRubrics).into(root + "/grade")));
    }
    if (!skip.contains("rl")) {
      steps.add(Chain.step("rl", () -> stages.rl(withRubrics).into(root + "/rl")));
    }
    if (!skip.contains("sft")) {
      String rl = skip.contains("rl") ? null : root + "/rl";
      steps.add(Chain.step("sft", () -> stages.sft(proofs, root + "/grade", withRubrics, rl).into(root + "/sft")));
    }
    return Chain.of(steps.toArray(Chain.Step[]::new));
  }
}
