package dev.qedspark.sft;

import static org.apache.spark.sql.functions.col;

import dev.qedspark.common.Status;
import dev.qedspark.io.Lineage;
import dev.qedspark.io.Run;
import dev.qedspark.publish.DatasetCard;
import dev.qedspark.stage.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * FineProofs-SFT from teacher proofs, their grades and the problems.
 *
 * <p>The first columns are FineProofs-SFT's, in its order, with its names (settings, the
 * published ones by default) and types, so the Hugging Face {@code datasets} library and TRL read
 * the output as they read the published set: {@code problem, reasoning_content, proof, category,
 * competition, <grade> (int64 0-7), <reward> (double, when RL rollouts are given), source,
 * messages}. {@code messages} is the conversation as TRL's SFT trainer takes it, and
 * {@code prompt} / {@code completion} the same split for completion-only loss; each message is
 * {@code {role, content, reasoning_content}}: the assistant's content is the proof and its
 * reasoning sits in the chat template's own reasoning field (Qwen3's templates render it as a
 * think block), so no tag is stored that the model did not write. Lineage follows
 * ({@code problem_id, sample_index, teacher_model, judge_model, finish_reason,
 * generation_status, grade_status, score}).
 *
 * <p>Writes {@code all} (every teacher proof with text, truncated and ungraded ones included,
 * with their status), {@code default} (per problem, the best finished proof graded at least
 * {@code sft.min-grade}; ties go to the lowest sample index: the rows to train on),
 * {@code report.json}, and the dataset card {@code README.md} with {@code lineage.json}.
 * Generations that failed have no text and are left out, counted in the report.
 */
public final class SftDataset extends Stage<SftDataset, SftReport> {
  public static final String ALL = "all";
  public static final String DEFAULT = "default";
  public static final String REPORT = "report.json";
  /**
   * FineProofs-SFT's columns before lineage: {@code GRADE} stands for the grade column,
   * {@code REWARD} for the policy-reward column, present when RL rollouts are given.
   */
  public static final List<String> FINEPROOFS_COLUMNS =
      List.of("problem", "reasoning_content", "proof", "category", "competition", "GRADE", "REWARD", "source", "messages");
  /** TRL's prompt-completion columns, after FineProofs-SFT's. */
  public static final List<String> TRL_COLUMNS = List.of("prompt", "completion");

  private final String proofs;
  private final String scores;
  private final String grades;
  private final String problems;
  private String rl;
  private SftSettings settings = SftSettings.DEFAULTS;

  private SftDataset(org.apache.spark.sql.SparkSession spark, String proofs, String grades, String scores, String problems) {
    super(spark);
    this.proofs = proofs;
    this.grades = grades;
    this.scores = scores;
    this.problems = problems;
  }

  /**
   * @param proofs teacher generations (an LLM map's output over problems: problem_id, sample_index,
   *     problem, reasoning_content, proof, model, finish_reason, status)
   * @param grades the grade stage's {@code grades} (for the judge's name)
   * @param scores the grade stage's {@code scores} (one per proof)
   * @param problems the problems dataset (category, competition, source)
   */
  public static SftDataset of(org.apache.spark.sql.SparkSession spark, String proofs, String grades, String scores, String problems) {
    return new SftDataset(spark, proofs, grades, scores, problems);
  }

  /**
   * The output folder of an RL step over the same problems: adds FineProofs-SFT's policy-reward
   * column ({@code sft.reward-column}), the problem's mean reward over its rollouts.
   */
  public SftDataset rewards(String rlFolder) {
    this.rl = rlFolder;
    return this;
  }

  public SftDataset settings(SftSettings settings) {
    this.settings = settings;
    return this;
  }

  @Override
  public String name() {
    return "sft";
  }

  @Override
  public List<String> outputs() {
    return List.of(ALL, DEFAULT, REPORT, DatasetCard.FILE_NAME, Lineage.FILE_NAME);
  }

  @Override
  protected List<String> inputs() {
    List<String> inputs = new ArrayList<>(List.of(proofs, grades, scores, problems));
    if (rl != null) {
      inputs.add(rl + "/" + RL_ALL);
    }
    return inputs;
  }

  private static final String RL_ALL = "all";

  @Override
  protected Object settings() {
    return Map.of("columns", FINEPROOFS_COLUMNS, "trl", TRL_COLUMNS, "sft", settings,
        "default", "finished, graded at least min-grade; best score per problem, then lowest sample_index");
  }

  @Override
  protected SftReport run(Run run) {
    long started = System.nanoTime();
    Dataset<Row> generations = read(proofs);
    List<String> judges = job("read the judge models", () -> read(grades)
        .where("judge_model IS NOT NULL").select("judge_model").distinct().orderBy("judge_model")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    String grade = settings.gradeColumn();
    String reward = rl == null ? null : settings.rewardColumn();
    Dataset<Row> problemInfo = read(problems)
        .select(col("problem_id"), col("category"), col("competition"), col("source"));
    Dataset<Row> scored = read(scores)
        .select(col("problem_id"), col("sample_index"), col("score"), col("status").as("grade_status"));
    Dataset<Row> withText = generations.where(Status.in("status", Status.OK, Status.TRUNCATED));
    Dataset<Row> joined = withText.join(scored, new String[] {"problem_id", "sample_index"}, "left_outer")
        .join(problemInfo, new String[] {"problem_id"}, "left_outer");
    if (reward != null) {
      joined = joined.join(read(rl + "/" + RL_ALL).select(col("problem_id"), col("reward_mean")),
          new String[] {"problem_id"}, "left_outer");
    }
    List<String> select = new ArrayList<>(List.of("problem", "reasoning_content", "proof", "category", "competition",
        "CAST(round(score) AS BIGINT) AS `" + grade + "`"));
    if (reward != null) {
      select.add("reward_mean AS `" + reward + "`");
    }
    String user = "named_struct('role', 'user', 'content', problem, 'reasoning_content', CAST(NULL AS STRING))";
    String assistant = "named_struct('role', 'assistant', 'content', coalesce(proof, ''), 'reasoning_content', reasoning_content)";
    Dataset<Row> rows = joined
        .selectExpr(concat(select, List.of(
            "source",
            "array(" + user + ", " + assistant + ") AS messages",
            "array(" + user + ") AS prompt",
            "array(" + assistant + ") AS completion",
            "problem_id", "sample_index", "model AS teacher_model",
            judges.isEmpty() ? "CAST(NULL AS STRING) AS judge_model" : "'" + String.join(", ", judges).replace("'", "\\'") + "' AS judge_model",
            "finish_reason", "status AS generation_status", "grade_status", "score")));
    long all = writeDataset(run, rows, ALL, "problem_id", "sample_index").rows();
    // From the written rows, so both configs have one schema.
    Dataset<Row> best = read(run.path(ALL))
        .where(trainable(grade))
        .withColumn("rank", org.apache.spark.sql.functions.row_number().over(
            Window.partitionBy("problem_id").orderBy(col("score").desc_nulls_last(), col("sample_index").asc())))
        .where("rank = 1").drop("rank");
    long perProblem = writeDataset(run, best, DEFAULT, "problem_id").rows();
    long failed = job("count failed generations", () -> generations.where("NOT " + Status.in("status", Status.OK, Status.TRUNCATED)).count());
    Map<String, Long> byGrade = new TreeMap<>();
    long trainable = 0;
    for (Row r : job("count proofs per grade, and those that qualify for default", () -> read(run.path(ALL))
        .groupBy(col("`" + grade + "`")).agg(org.apache.spark.sql.functions.count("*"),
            org.apache.spark.sql.functions.expr("count_if(" + trainable(grade) + ")")).collectAsList())) {
      byGrade.put(r.isNullAt(0) ? "none" : String.valueOf(r.getLong(0)), r.getLong(1));
      trainable += r.getLong(2);
    }
    SftReport report = new SftReport(all, perProblem, failed, trainable, settings.minGrade(), grade, byGrade, run.finalPath(ALL),
        run.finalPath(DEFAULT), (System.nanoTime() - started) / 1e9);
    run.writeJson(REPORT, report);
    DatasetCard.write(spark, run, "FineProofs-SFT (qed-spark)", "Teacher-written olympiad proofs with their reasoning, graded by an LLM judge"
        + " against each problem's rubric, in FineProofs-SFT's columns. Train on `default` with TRL's SFTTrainer (`messages`, or"
        + " `prompt`/`completion` for completion-only loss).", List.of(new DatasetCard.Config(DEFAULT, DEFAULT, "one proof per problem, the best finished proof graded at least "
        + settings.minGrade() + "/7: the rows to train on"), new DatasetCard.Config(ALL, ALL, "every teacher proof with text, truncated and"
        + " ungraded ones included (generation_status, grade_status)")), lineage());
    return report;
  }

  /** A proof to train on: finished (not truncated), graded, scored at least {@code sft.min-grade}, with a proof text. */
  private String trainable(String grade) {
    // The unrounded score: a mean of 7 and 6 (6.5) shows as 7 in the grade column but is not a 7.
    return "generation_status = " + Status.OK.sql() + " AND grade_status = " + Status.OK.sql() + " AND score >= "
        + settings.minGrade() + " AND trim(coalesce(proof, '')) != ''";
  }

  /** The columns of a FineProofs-SFT dataset with the given grade and reward (null: none) columns, in order. */
  public static List<String> columns(String gradeColumn, String rewardColumn) {
    List<String> columns = new ArrayList<>();
    for (String c : FINEPROOFS_COLUMNS) {
      if (c.equals("GRADE")) {
        columns.add(gradeColumn);
      } else if (c.equals("REWARD")) {
        if (rewardColumn != null) {
          columns.add(rewardColumn);
        }
      } else {
        columns.add(c);
      }
    }
    return columns;
  }

  private static String[] concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all.toArray(String[]::new);
  }
}
