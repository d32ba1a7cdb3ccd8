package dev.qedspark.pipeline;

import dev.qedspark.curation.Filter;
import dev.qedspark.curation.Rubrics;
import dev.qedspark.llm.LlmMap;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FineProofs chain as a declaration: filter, rubrics, generate, grade, rl and sft (last, so
 * that it carries the policy rewards when rl runs), each in
 * its own folder under the output root, each reading what the step before it wrote (a step that
 * is switched off passes its input on). Up-to-date steps are skipped, and every LLM answer comes
 * from the response cache when it can, so a refresh with new problems pays only for them.
 */
public final class DatasetsChain {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetsChain.class);
  public static final List<String> STEPS = List.of("filter", "rubrics", "generate", "grade", "rl", "sft");

  private DatasetsChain() {}

  /**
   * @param problems the problems dataset to start from (curated, usually)
   * @param skip steps to leave out
   * @param samples teacher proofs per problem
   */
  public static Chain of(Stages stages, String problems, String root, Set<String> skip, int samples) {
    return of(stages, problems, step -> root + "/" + step, skip, samples);
  }

  /**
   * The chain as a dry run: what a run into {@code root} would send, step by step, with nothing
   * sent and nothing in {@code root} changed. The leading steps that are up to date in
   * {@code root} are skipped as a run would skip them; the steps after them run against the
   * response cache alone, into a scratch folder under {@code root} that is removed afterwards.
   * Each request the cache cannot answer is counted, with its estimated tokens and cost (see
   * {@link Stages#dryRun}), and gets a stand-in answer that passes on: a problem the filter
   * keeps, a valid rubric, a proof with its final text. So the counts are exact where the answers
   * are cached, and an upper bound for new problems (the filter may drop some).
   *
   * @param stages stages made with {@link Stages#dryRun}
   * @param force count every step, even those up to date
   * @param before called as each step starts or is skipped
   * @param after called as each step is done; its result tells what would be sent ({@link dev.qedspark.llm.LlmCalls})
   */
  public static List<Chain.Outcome> dryRun(Stages stages, String problems, String root, Set<String> skip, int samples, boolean force,
      Consumer<Chain.Outcome> before, Consumer<Chain.Outcome> after) {
    List<String> upToDate = force ? List.of() : of(stages, problems, root, skip, samples).upToDate();
    String scratch = root + "/.dry-run-" + UUID.randomUUID();
    try {
      return of(stages, problems, step -> (upToDate.contains(step) ? root : scratch) + "/" + step, skip, samples)
          .run(false, before, after);
    } finally {
      Path path = new Path(scratch);
      try {
        path.getFileSystem(stages.spark().sparkContext().hadoopConfiguration()).delete(path, true);
      } catch (IOException e) {
        LOG.warn("could not remove the dry run's scratch folder {}: {}", scratch, e.getMessage());
      }
    }
  }

  private static Chain of(Stages stages, String problems, Function<String, String> folder, Set<String> skip, int samples) {
    return Chain.of(steps(stages, problems, folder, skip, samples).toArray(Chain.Step[]::new));
  }

  /** The chain's steps, each writing into {@code folder.apply(step)}: for chains that start earlier (the demo). */
  static List<Chain.Step> steps(Stages stages, String problems, Function<String, String> folder, Set<String> skip, int samples) {
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
      steps.add(Chain.step("filter", () -> stages.filter(problems).into(folder.apply("filter"))));
      current = folder.apply("filter") + "/" + Filter.PROBLEMS;
    }
    if (!skip.contains("rubrics")) {
      String input = current;
      steps.add(Chain.step("rubrics", () -> stages.rubrics(input).into(folder.apply("rubrics"))));
      current = folder.apply("rubrics") + "/" + Rubrics.PROBLEMS;
    }
    String withRubrics = current;
    String proofs = folder.apply("generate") + "/" + LlmMap.GENERATIONS;
    if (!skip.contains("generate")) {
      steps.add(Chain.step("generate", () -> stages.generate(withRubrics, null, samples).into(folder.apply("generate"))));
    }
    if (!skip.contains("grade")) {
      steps.add(Chain.step("grade", () -> stages.grade(proofs, withRubrics).into(folder.apply("grade"))));
    }
    if (!skip.contains("rl")) {
      steps.add(Chain.step("rl", () -> stages.rl(withRubrics).into(folder.apply("rl"))));
    }
    if (!skip.contains("sft")) {
      String rl = skip.contains("rl") ? null : folder.apply("rl");
      steps.add(Chain.step("sft", () -> stages.sft(proofs, folder.apply("grade"), withRubrics, rl).into(folder.apply("sft"))));
    }
    return steps;
  }
}
