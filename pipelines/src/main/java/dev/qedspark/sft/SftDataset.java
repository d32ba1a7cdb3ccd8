package dev.qedspark.sft;

import static org.apache.spark.sql.functions.col;

import dev.qedspark.common.Status;
import dev.qedspark.io.Run;
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
 * <p>The columns are FineProofs-SFT's, in its order and with its types, so that the Hugging Face
 * {@code datasets} library and TRL read the output as they read the published set:
 * {@code problem, reasoning_content, proof, category, competition, <judge>-grade (int 0-7),
 * <policy>-reward@<k> (double, when RL rollouts are given), source, messages
 * (list<struct<role, content>>)}; the assistant message is
 * {@code <think>reasoning</think>} followed by the proof. Lineage columns follow them
 * ({@code problem_id, sample_index, teacher_model, finish_reason, generation_status,
 * grade_status, score}).
 *
 * <p>Writes {@code all} (every teacher proof with text, incomplete ones included: the grade is a
 * column, not a filter), {@code default} (per problem, the best-graded proof; ties go to the
 * lowest sample index) and {@code report.json}. Generations that failed have no text and are
 * left out, counted in the report.
 */
public final class SftDataset extends Stage<SftDataset, SftReport> {
  public static final String ALL = "all";
  public static final String DEFAULT = "default";
  public static final String REPORT = "report.json";
  /**
   * FineProofs-SFT's columns before lineage: {@code GRADE} stands for {@code <judge>-grade},
   * {@code REWARD} for {@code <policy>-reward@<k>}, present when RL rollouts are given.
   */
  public static final List<String> FINEPROOFS_COLUMNS =
      List.of("problem", "reasoning_content", "proof", "category", "competition", "GRADE", "REWARD", "source", "messages");

  private final String proofs;
  private final String scores;
  private final String grades;
  private final String problems;
  private String rl;

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
   * column, {@code <policy>-reward@<k>}, the problem's mean reward over k rollouts.
   */
  public SftDataset rewards(String rlFolder) {
    this.rl = rlFolder;
    return this;
  }

  @Override
  public String name() {
    return "sft";
  }

  @Override
  public List<String> outputs() {
    return List.of(ALL, DEFAULT, REPORT);
  }

  @Override
  protected List<String> inputs() {
    List<String> inputs = new ArrayList<>(List.of(proofs, grades, scores, problems));
    if (rl != null) {
      inputs.addAll(List.of(rl + "/" + RL_ALL, rl + "/" + RL_ROLLOUTS));
    }
    return inputs;
  }

  private static final String RL_ALL = "all";
  private static final String RL_ROLLOUTS = "rollouts";

  @Override
  protected Object settings() {
    return Map.of("columns", FINEPROOFS_COLUMNS, "default", "best score per problem, then lowest sample_index");
  }

  /**
   * The grade column's name: {@code <judge>-grade} after the judge model (the part after the last
   * {@code /}, lower case), as FineProofs names it after its grader; {@code ensemble-grade} when
   * several models judged.
   */
  static String gradeColumn(List<String> judgeModels) {
    return judgeModels.size() == 1 ? shortName(judgeModels.get(0)) + "-grade" : "ensemble-grade";
  }

  /** A model's name as a column prefix: the part after the last {@code /}, lower case. */
  private static String shortName(String model) {
    return model.substring(model.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.@-]+", "-");
  }

  @Override
  protected SftReport run(Run run) {
    long started = System.nanoTime();
    Dataset<Row> generations = read(proofs);
    List<String> judges = job("read the judge models", () -> read(grades)
        .where("judge_model IS NOT NULL").select("judge_model").distinct().orderBy("judge_model")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    String grade = gradeColumn(judges);
    String reward = rl == null ? null : rewardColumn();
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
        "CAST(round(score) AS INT) AS `" + grade + "`"));
    if (reward != null) {
      select.add("reward_mean AS `" + reward + "`");
    }
    Dataset<Row> rows = joined
        .selectExpr(concat(select, List.of(
            "source",
            "array(named_struct('role', 'user', 'content', problem), named_struct('role', 'assistant', 'content',"
                + " concat('<think>\\n', coalesce(reasoning_content, ''), '\\n</think>\\n\\n', coalesce(proof, '')))) AS messages",
            "problem_id", "sample_index", "model AS teacher_model", "finish_reason", "status AS generation_status",
            "grade_status", "score")));
    Dataset<Row> best = rows.withColumn("rank", org.apache.spark.sql.functions.row_number().over(
            Window.partitionBy("problem_id").orderBy(col("score").desc_nulls_last(), col("sample_index").asc())))
        .where("rank = 1").drop("rank");
    long all = writeDataset(run, rows, ALL, "problem_id", "sample_index").rows();
    long perProblem = writeDataset(run, best, DEFAULT, "problem_id").rows();
    long failed = job("count failed generations", () -> generations.where("NOT " + Status.in("status", Status.OK, Status.TRUNCATED)).count());
    Map<String, Long> byGrade = new TreeMap<>();
    job("count proofs per grade", () -> read(run.path(ALL)).groupBy(col("`" + grade + "`")).count()
        .collectAsList()).forEach(r -> byGrade.put(r.isNullAt(0) ? "none" : String.valueOf(r.getInt(0)), r.getLong(1)));
    SftReport report = new SftReport(all, perProblem, failed, grade, byGrade, run.finalPath(ALL), run.finalPath(DEFAULT),
        (System.nanoTime() - started) / 1e9);
    run.writeJson(REPORT, report);
    return report;
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

  /** {@code <policy>-reward@<k>}: the policy model (as in the grade column) and the rollouts per problem. */
  private String rewardColumn() {
    List<String> models = job("read the policy model", () -> read(rl + "/" + RL_ROLLOUTS)
        .where("model IS NOT NULL").select("model").distinct().orderBy("model").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    long k = job("read the rollouts per problem", () -> {
      Row max = read(rl + "/" + RL_ALL).selectExpr("max(rollouts)").first();
      return max.isNullAt(0) ? 0L : max.getLong(0);
    });
    String policy = models.size() == 1 ? shortName(models.get(0)) : "policy";
    return policy + "-reward@" + k;
  }

  private static String[] concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all.toArray(String[]::new);
  }
}
