package dev.qedspark.pipeline;

import dev.qedspark.curation.Filter;
import dev.qedspark.curation.Rubrics;
import dev.qedspark.grading.Grade;
import dev.qedspark.llm.LlmMap;
import dev.qedspark.rl.RlDataset;
import dev.qedspark.sft.SftDataset;
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
    return Chain.of(stages, steps(stages, Ref.path(problems), folder, skip, samples));
  }

  /**
   * The chain's steps, each writing into {@code folder.apply(step)}, starting from the problems at
   * {@code problems}: for chains that start earlier (the demo). A skipped step's readers read
   * what it would have read; a step whose input comes from a skipped step that cannot be passed
   * on (sft without generate) is an error of the graph, before any work.
   */
  static List<Chain.Step> steps(Stages stages, Ref problems, Function<String, String> folder, Set<String> skip, int samples) {
    for (String step : skip) {
      if (!STEPS.contains(step)) {
        throw new IllegalArgumentException("there is no step '" + step + "'; the steps are " + STEPS);
      }
    }
    List<Chain.Step> steps = new ArrayList<>();
    Ref current = problems;
    if (!skip.contains("filter")) {
      steps.add(Chain.step("filter", folder.apply("filter")).writes(Filter.PROBLEMS).reads("problems", current)
          .builds(in -> stages.filter(in.path("problems"))));
      current = Ref.output("filter", Filter.PROBLEMS);
    }
    if (!skip.contains("rubrics")) {
      steps.add(Chain.step("rubrics", folder.apply("rubrics")).writes(Rubrics.PROBLEMS).reads("problems", current)
          .builds(in -> stages.rubrics(in.path("problems"))));
      current = Ref.output("rubrics", Rubrics.PROBLEMS);
    }
    Ref withRubrics = current;
    Ref proofs = Ref.output("generate", LlmMap.GENERATIONS);
    if (!skip.contains("generate")) {
      steps.add(Chain.step("generate", folder.apply("generate")).writes(LlmMap.GENERATIONS).reads("problems", withRubrics)
          .builds(in -> stages.generate(in.path("problems"), null, samples)));
    }
    if (!skip.contains("grade")) {
      steps.add(Chain.step("grade", folder.apply("grade")).writes(Grade.GRADES, Grade.SCORES).reads("proofs", proofs)
          .reads("problems", withRubrics).builds(in -> stages.grade(in.path("proofs"), in.path("problems"))));
    }
    if (!skip.contains("rl")) {
      steps.add(Chain.step("rl", folder.apply("rl")).writes(RlDataset.ALL, RlDataset.ROLLOUTS).reads("problems", withRubrics)
          .builds(in -> stages.rl(in.path("problems"))));
    }
    if (!skip.contains("sft")) {
      Chain.Step sft = Chain.step("sft", folder.apply("sft")).writes(SftDataset.ALL, SftDataset.DEFAULT).reads("proofs", proofs)
          .reads("graded", Ref.folder("grade")).reads("problems", withRubrics);
      if (!skip.contains("rl")) {
        sft.reads("rl", Ref.folder("rl"));
      }
      steps.add(sft.builds(in -> stages.sft(in.path("proofs"), in.path("graded"), in.path("problems"), skip.contains("rl") ? null : in.path("rl"))));
    }
    return steps;
  }
}
