package dev.qedspark.eval;

import dev.qedspark.common.ConfigException;
import dev.qedspark.grading.Grade;
import dev.qedspark.grading.GradeReport;
import dev.qedspark.grading.GradingSettings;
import dev.qedspark.grading.JudgeProtocol;
import dev.qedspark.io.Run;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.PromptTemplate;
import dev.qedspark.llm.Role;
import dev.qedspark.stage.Stage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * How far a judge agrees with human graders: the judges grade proofs that people graded, and the
 * two are compared ({@link CalibrationMetrics}). The input is a JSONL or Parquet file of graded
 * proofs: {@code problem}, the proof ({@code proof} or {@code model_proof}), the reference
 * solution ({@code solution}, or the first of {@code reference_solutions}), optionally grading
 * guidelines ({@code rubric}; without them the judge is told to compare with the reference
 * solution) and the human grade: {@code grade} (0-7) or {@code label} (correct/incorrect,
 * true/false, 1/0), as the bundled Open Proof Corpus dev file has it.
 *
 * <p>Writes {@code grades} and {@code scores} (the judges' work), {@code pairs} (one row per proof:
 * human grade, judge score, status) and {@code calibration.json}.
 */
public final class Calibrate extends Stage<Calibrate, CalibrationMetrics.Report> {
  public static final String GRADES = "grades";
  public static final String SCORES = "scores";
  public static final String PAIRS = "pairs";
  public static final String REPORT = "calibration.json";
  /** What the judge is shown as guidelines when the file has none. */
  static final String NO_GUIDELINES = "No separate grading guidelines: award points by comparing the proof with the reference solution;"
      + " a different but complete and rigorous approach earns full marks.";

  private final String file;
  private JudgeProtocol protocol = JudgeProtocol.IMO_PROOFBENCH;
  private GradingSettings grading = GradingSettings.DEFAULTS;
  private PromptTemplate template;
  private final List<Role> judges = new ArrayList<>();
  private int passScore = 7;

  private Calibrate(SparkSession spark, String file) {
    super(spark);
    this.file = file;
  }

  public static Calibrate of(SparkSession spark, String file) {
    return new Calibrate(spark, file);
  }

  /** @param passScore the judge score from which a proof counts as correct, against binary labels */
  public Calibrate settings(JudgeProtocol protocol, GradingSettings grading, PromptTemplate template, int passScore) {
    this.protocol = protocol;
    this.grading = grading;
    this.template = template;
    this.passScore = passScore;
    return this;
  }

  public Calibrate judges(List<Role> judges) {
    this.judges.clear();
    this.judges.addAll(judges);
    return this;
  }

  @Override
  public String name() {
    return "calibrate";
  }

  @Override
  public List<String> outputs() {
    return List.of(GRADES, SCORES, PAIRS, REPORT);
  }

  @Override
  protected List<String> inputs() {
    return List.of(file);
  }

  @Override
  protected Object settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("protocol", protocol.id());
    s.put("grading", grading);
    s.put("pass-score", passScore);
    s.put("judges", Role.answerIdentities(judges));
    return s;
  }

  @Override
  protected Map<String, String> prompts() {
    return Map.of(template.name(), template.sha256());
  }

  @Override
  protected boolean isComplete(CalibrationMetrics.Report report) {
    return report.judgeCalls().values().stream().noneMatch(GenerationReport::leftWorkUndone);
  }

  /** The graded proofs with the columns grading needs, the human grade and whether it is binary. */
  private Dataset<Row> graded() {
    Dataset<Row> raw = RowFiles.read(spark, file);
    List<String> columns = List.of(raw.columns());
    String proof = columns.contains("proof") ? "proof" : columns.contains("model_proof") ? "model_proof" : null;
    String solution = columns.contains("solution") ? "CAST(solution AS STRING)"
        : columns.contains("reference_solutions") ? "element_at(reference_solutions, 1)" : "CAST(NULL AS STRING)";
    String human = columns.contains("grade") ? "CAST(grade AS DOUBLE)"
        : columns.contains("label") ? "CASE WHEN lower(CAST(label AS STRING)) IN ('correct', 'true', '1', 'yes') THEN 7D"
            + " WHEN lower(CAST(label AS STRING)) IN ('incorrect', 'false', '0', 'no') THEN 0D END" : null;
    if (!columns.contains("problem") || proof == null || human == null) {
      throw new ConfigException(file + " needs problem, proof (or model_proof) and a human grade (grade 0-7, or label"
          + " correct/incorrect); its columns are " + columns);
    }
    String id = columns.contains("problem_id") ? "CAST(problem_id AS STRING)" : "'p'";
    return raw.selectExpr(id + " AS problem_id", "CAST(monotonically_increasing_id() AS BIGINT) AS row_index", "CAST(problem AS STRING) AS problem",
        "CAST(" + proof + " AS STRING) AS proof", solution + " AS solution",
        (columns.contains("rubric") ? "coalesce(CAST(rubric AS STRING), '" + NO_GUIDELINES + "')" : "'" + NO_GUIDELINES + "'") + " AS rubric",
        human + " AS human", (columns.contains("grade") ? "false" : "true") + " AS binary");
  }

  @Override
  protected CalibrationMetrics.Report run(Run run) {
    long started = System.nanoTime();
    Dataset<Row> graded = graded().cache();
    try {
      long unlabelled = job("count proofs without a human grade", () -> graded.where("human IS NULL").count());
      if (unlabelled > 0) {
        throw new ConfigException(file + ": " + unlabelled + " proofs have no readable human grade (grade 0-7, or label correct/incorrect)");
      }
      Grade grade = Grade.of(graded.select("problem_id", "row_index", "problem", "proof", "solution", "rubric")).keyedBy("problem_id", "row_index")
          .settings(new GradingSettings(protocol.id(), grading.judges(), grading.repeats(), grading.aggregate()), template)
          .judges(judges).named(step()).datasets(datasets);
      GradeReport report = grade.writeTo(run, GRADES, SCORES);
      Dataset<Row> pairs = graded.join(read(run.path(SCORES)).selectExpr("problem_id", "row_index", "score AS judge", "status"),
          new String[] {"problem_id", "row_index"}, "left_outer").selectExpr("problem_id", "row_index", "human", "judge", "status", "binary");
      writeDataset(run, pairs, PAIRS, "problem_id", "row_index");
      List<CalibrationMetrics.Pair> collected = new ArrayList<>();
      boolean binary = false;
      for (Row r : job("collect the pairs", () -> read(run.path(PAIRS)).collectAsList())) {
        binary = r.getBoolean(5);
        collected.add(new CalibrationMetrics.Pair(r.getString(0), r.getDouble(2), r.isNullAt(3) ? null : r.getDouble(3)));
      }
      CalibrationMetrics.Report result = CalibrationMetrics.of(collected, binary, passScore, report.llmCalls(), run.finalPath(PAIRS),
          (System.nanoTime() - started) / 1e9);
      run.writeJson(REPORT, result);
      return result;
    } finally {
      graded.unpersist();
    }
  }
}
