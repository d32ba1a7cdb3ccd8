package dev.qedspark.rl;

import static org.apache.spark.sql.functions.col;

import dev.qedspark.grading.Grade;
import dev.qedspark.grading.GradeReport;
import dev.qedspark.grading.GradingSettings;
import dev.qedspark.io.Lineage;
import dev.qedspark.io.Run;
import dev.qedspark.publish.DatasetCard;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmMap;
import dev.qedspark.llm.LlmStage;
import dev.qedspark.llm.PromptTemplate;
import dev.qedspark.llm.Role;
import dev.qedspark.proofs.ProofPrompt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * FineProofs-RL: problem difficulty measured by a small policy. Each problem with a rubric gets
 * {@code rollouts} proofs from the policy role (the {@code proof} prompt); each rollout is graded
 * with the {@code rubric} protocol by the configured judges; its reward is score / 7.
 *
 * <p>The first columns are FineProofs-RL's, in its order and with its types: {@code problem,
 * source, rubrics, scores (list<int64>), rewards (list<double>), num_rewards (int64),
 * reward_mean, reward_std}. Then {@code prompt}, the policy's prompt as TRL's conversational
 * {@code list<{role, content}>} (GRPOTrainer's input), and what a reward function needs beside
 * it: {@code problem_id}, {@code solution} (the reference solution) and {@code answer}
 * ({@code rubrics} is the grading scheme); lineage last ({@code rollouts, unscored}). Only rollouts with a score count:
 * a judgement that could not be read or failed is left out of {@code scores} and counted in
 * {@code unscored}, never taken as 0 (a rollout that stopped before its final proof scores 0).
 *
 * <p>Writes {@code rollouts} and {@code grades}/{@code scores} (the evidence), {@code all} (every
 * problem), {@code learnable} (mean reward strictly between the band's ends: not always 0, not
 * always 1), {@code tasks} (the learnable problems as {@code task, answer, schema}: problem,
 * reference solution and marking scheme, the names some RL trainers load), {@code report.json},
 * and the dataset card {@code README.md} (configs {@code default}: learnable, and {@code all})
 * with {@code lineage.json}.
 */
public final class RlDataset extends LlmStage<RlDataset, RlReport, RlSettings> {
  public static final String ROLLOUTS = "rollouts";
  public static final String GRADES = "grades";
  public static final String SCORES = "scores";
  public static final String ALL = "all";
  public static final String LEARNABLE = "learnable";
  public static final String TASKS = "tasks";
  public static final String REPORT = "report.json";
  /** FineProofs-RL's columns, in order. */
  public static final List<String> FINEPROOFS_COLUMNS =
      List.of("problem", "source", "rubrics", "scores", "rewards", "num_rewards", "reward_mean", "reward_std");
  /** TRL's prompt and the reward function's inputs, then lineage, after FineProofs-RL's columns. */
  public static final List<String> TRL_AND_LINEAGE_COLUMNS = List.of("prompt", "problem_id", "solution", "answer", "rollouts", "unscored");

  private GradingSettings grading;
  private PromptTemplate judgePrompt;
  private final List<Role> judges = new ArrayList<>();
  private LlmMap rollouts;

  private RlDataset(SparkSession spark, String problems) {
    super(spark, problems, RlSettings.DEFAULTS);
  }

  /**
   * @param problems a problems dataset with rubrics (the {@code problems} output of the rubrics
   *     step); its role ({@code rl.role}, the policy) rolls out, with the {@code proof} template of
   *     {@link #settings}
   */
  public static RlDataset of(SparkSession spark, String problems) {
    return new RlDataset(spark, problems);
  }

  /** How rollouts are graded: the grading settings (the protocol is always rubric) and the judges. */
  public RlDataset grading(GradingSettings grading, PromptTemplate rubricPrompt, List<Role> judges) {
    this.grading = new GradingSettings("rubric", grading.judges(), grading.repeats(), grading.aggregate());
    this.judgePrompt = rubricPrompt;
    this.judges.clear();
    this.judges.addAll(judges);
    return this;
  }

  @Override
  public String name() {
    return "rl";
  }

  @Override
  public List<String> outputs() {
    return List.of(ROLLOUTS, GRADES, SCORES, ALL, LEARNABLE, TASKS, REPORT, DatasetCard.FILE_NAME, Lineage.FILE_NAME);
  }

  @Override
  protected Object settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("rl", settings);
    s.put("policy", rollouts().answerSettings());
    s.put("grading", grading);
    s.put("judges", Role.answerIdentities(judges));
    return s;
  }

  @Override
  protected Map<String, String> prompts() {
    return Map.of(template.name(), template.sha256(), judgePrompt.name(), judgePrompt.sha256());
  }

  @Override
  protected boolean isComplete(RlReport report) {
    return !report.rollouts().leftWorkUndone() && report.grading().judges().values().stream().noneMatch(GenerationReport::leftWorkUndone);
  }

  private Dataset<Row> withRubric() {
    return read(input).where("rubric IS NOT NULL AND trim(rubric) != ''");
  }

  private LlmMap rollouts() {
    if (rollouts == null) {
      rollouts = ask(withRubric().select("problem_id", "problem"), template, new ProofPrompt(template), step() + " rollouts")
          .keyedBy("problem_id").samples(settings.rollouts());
    }
    return rollouts;
  }

  /** Each problem's prompt as the policy was asked it (the proof template), as TRL's conversational {@code list<{role, content}>}. */
  private Dataset<Row> policyPrompts() {
    ProofPrompt builder = new ProofPrompt(template);
    StructType message = new StructType().add("role", DataTypes.StringType).add("content", DataTypes.StringType);
    StructType schema = new StructType().add("problem_id", DataTypes.StringType).add("prompt", DataTypes.createArrayType(message));
    return withRubric().select("problem_id", "problem").map((MapFunction<Row, Row>) r -> {
      List<Row> messages;
      try {
        messages = builder.build(r).messages().stream().map(m -> RowFactory.create(m.role(), m.content())).toList();
      } catch (IllegalArgumentException noPrompt) { // no problem text: its rollouts failed the same way, and it has no prompt
        return RowFactory.create(r.getString(0), null);
      }
      return RowFactory.create(r.getString(0), scala.collection.JavaConverters.asScalaBuffer(messages).toList());
    }, Encoders.row(schema));
  }

  @Override
  protected RlReport run(Run run) {
    long started = System.nanoTime();
    GenerationReport policyReport = rollouts().writeTo(run, ROLLOUTS);
    Grade grade = Grade.of(Grade.withReferences(read(run.path(ROLLOUTS)), withRubric()))
        .settings(grading, judgePrompt).judges(judges).named(step()).datasets(datasets);
    GradeReport gradeReport = grade.writeTo(run, GRADES, SCORES);

    Dataset<Row> perProblem = read(run.path(SCORES)).groupBy("problem_id").agg(
        org.apache.spark.sql.functions.expr("collect_list(named_struct('i', sample_index, 's', CAST(round(score) AS BIGINT)))").as("scored"),
        org.apache.spark.sql.functions.expr("count(*)").as("rollouts"),
        org.apache.spark.sql.functions.expr("count_if(score IS NULL)").as("unscored"));
    Dataset<Row> prompts = policyPrompts();
    Dataset<Row> all = withRubric().join(perProblem, new String[] {"problem_id"}, "left_outer")
        .join(prompts, new String[] {"problem_id"}, "left_outer")
        .selectExpr("problem", "source", "rubric AS rubrics",
            "transform(array_sort(filter(coalesce(scored, array()), x -> x.s IS NOT NULL)), x -> x.s) AS scores",
            "prompt", "problem_id", "solution", "answer", "coalesce(rollouts, 0L) AS rollouts", "coalesce(unscored, 0L) AS unscored")
        .selectExpr("problem", "source", "rubrics", "scores",
            "transform(scores, s -> CAST(s AS DOUBLE) / 7D) AS rewards",
            "CAST(size(scores) AS BIGINT) AS num_rewards",
            "CASE WHEN size(scores) = 0 THEN NULL ELSE aggregate(scores, 0D, (a, s) -> a + s / 7D) / size(scores) END AS reward_mean",
            "prompt", "problem_id", "solution", "answer", "rollouts", "unscored")
        .selectExpr("*", "CASE WHEN num_rewards = 0 THEN NULL ELSE sqrt(aggregate(rewards, 0D, (a, r) -> a + (r - reward_mean) * (r - reward_mean))"
            + " / num_rewards) END AS reward_std");
    List<String> ordered = new ArrayList<>(FINEPROOFS_COLUMNS);
    ordered.addAll(TRL_AND_LINEAGE_COLUMNS);
    Dataset<Row> fineProofs = all.selectExpr(ordered.toArray(String[]::new));
    writeDataset(run, fineProofs, ALL, "problem_id");
    Dataset<Row> learnable = read(run.path(ALL))
        .where(col("reward_mean").gt(settings.minMeanReward()).and(col("reward_mean").lt(settings.maxMeanReward())));
    long kept = writeDataset(run, learnable, LEARNABLE, "problem_id").rows();
    writeDataset(run, read(run.path(LEARNABLE))
        .selectExpr("problem AS task", "solution AS answer", "rubrics AS schema", "problem_id"), TASKS, "problem_id");
    long problemCount = job("count problems", () -> withRubric().count());
    long without = job("count problems without a rubric", () -> read(input).count()) - problemCount;
    RlReport report = new RlReport(problemCount, without, kept, policyReport, gradeReport, run.finalPath(ALL), run.finalPath(LEARNABLE),
        run.finalPath(TASKS), (System.nanoTime() - started) / 1e9);
    run.writeJson(REPORT, report);
    DatasetCard.write(spark, run, "FineProofs-RL (qed-spark)", "Olympiad problems with grading rubrics, and how hard each is for a"
        + " small policy: its rollouts graded 0-7 against the rubric, reward = score / 7, in FineProofs-RL's columns. `prompt` is the"
        + " policy's prompt in TRL's conversational form; `problem_id`, `rubrics`, `solution` and `answer` are what a reward"
        + " function needs beside it (TRL's GRPOTrainer passes every column to reward functions).",
        List.of(new DatasetCard.Config("default", LEARNABLE, "problems whose mean reward is strictly between " + settings.minMeanReward()
            + " and " + settings.maxMeanReward() + " (the policy neither always fails nor always succeeds): the RL training set"),
            new DatasetCard.Config(ALL, ALL, "every problem with a rubric, with its rollouts' scores")), lineage());
    return report;
  }
}
