package dev.qedspark.jobs;

import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.stage.Stage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code ./qed rl}: FineProofs-RL from policy rollouts graded against rubrics. */
final class RlJob extends StageCommand {

  @Override
  public String name() {
    return "rl";
  }

  @Override
  public String summary() {
    return "Build FineProofs-RL: policy rollouts per problem, graded against its rubric";
  }

  @Override
  public String description() {
    return """
        For each problem with a rubric (the problems output of ./qed rubrics), asks the
        policy role (rl.role, llm.roles.policy, else llm.*) for --rollouts proofs (rl.rollouts,
        default 128) and has the judges (grading.judges) grade each with the rubric protocol.
        A rollout's reward is its score / 7; judgements that could not be read or failed are
        left out of the scores and counted, never taken as 0.

        Writes OUT/all with FineProofs-RL's columns (problem, source, rubrics, scores
        list<int64>, rewards list<double>, num_rewards int64, reward_mean, reward_std), then
        prompt (TRL's conversational form) and the reward inputs (problem_id, solution, answer),
        rollouts, unscored; OUT/learnable (mean reward strictly between rl.min-mean-reward and
        rl.max-mean-reward: not always 0, not always 1), OUT/tasks (the learnable problems as
        task, answer, schema), the evidence (OUT/rollouts, OUT/grades, OUT/scores),
        OUT/report.json, and the dataset card OUT/README.md (configs default: learnable, and
        all) with OUT/lineage.json. At 128 rollouts this is the expensive step: set llm.prices and
        llm.budget.max-cost before pointing it at a paid endpoint.

        Example:
          ./qed rl --problems runs/rubrics/problems --out runs/rl --rollouts 16""";
  }

  @Override
  protected List<OptionSpec> stageOptions() {
    return List.of(
        OptionSpec.required("problems", "DIR", "problems with rubrics (the problems output of ./qed rubrics)"),
        OptionSpec.required("out", "DIR", "output folder"),
        OptionSpec.value("rollouts", "N", "rollouts per problem (rl.rollouts)"));
  }

  @Override
  public List<String> configOverrides(Arguments args) {
    List<String> overrides = new ArrayList<>();
    if (args.has("rollouts")) overrides.add("rl.rollouts=" + args.value("rollouts"));
    return overrides;
  }

  @Override
  protected List<String> inputOptions() {
    return List.of("problems");
  }

  @Override
  protected Stage<?, ?> stage(Stages stages, Arguments args, PrintStream out) {
    return stages.rl(args.value("problems"));
  }
}
