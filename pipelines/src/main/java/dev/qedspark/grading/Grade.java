package dev.qedspark.grading;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.trim;

import dev.qedspark.common.Status;
import dev.qedspark.io.Run;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmMap;
import dev.qedspark.llm.PromptTemplate;
import dev.qedspark.llm.Role;
import dev.qedspark.llm.RowsDigest;
import dev.qedspark.stage.Stage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Grades proofs with one or more judges under a {@link JudgeProtocol}.
 *
 * <p>Input rows hold the key columns, {@code problem}, {@code proof} (the text after the
 * author's reasoning: a blank proof means the author never finished, and scores 0 with status
 * {@code truncated} without asking a judge) and the references the protocol needs
 * ({@code rubric}, {@code solution}). A row whose generation failed (a generations dataset's
 * {@code status} error or not_sent) has no proof: its grade is status {@code no_proof}, with no
 * score and no judge asked. Each judge role answers each proof {@code repeats} times
 * through an {@link LlmMap}, so answers are cached, resumable and paid once.
 *
 * <p>Writes {@code grades}: one row per proof, judge and repeat, with {@code score} (null unless
 * the verdict was read), {@code max_score}, {@code status} (ok, truncated, parse_error,
 * api_error, no_reference, no_proof), {@code error}, the judge's raw output, model, prompt hash, tokens and
 * cost; {@code scores}: one row per proof, its readable scores aggregated (min, mean or median),
 * their {@code spread}, counts per status and a final {@code status}; and {@code report.json}.
 * Unreadable and failed judgements are counted apart, never as 0.
 */
public final class Grade extends Stage<Grade, GradeReport> {
  public static final String PROBLEM = "problem";
  public static final String PROOF = "proof";
  public static final String SCORE = "score";
  public static final String GRADES = "grades";
  public static final String SCORES = "scores";
  public static final String REPORT = "report.json";
  /** The generation status column of a generations dataset. */
  private static final String GENERATION_STATUS = "status";
  private static final String PROOF_FAILED = "proof_failed";
  private static final String KEY_PREFIX = "key__";

  private Dataset<Row> proofs;
  /** The datasets the proofs and their references are read from when first needed (null: proofs given in memory). */
  private String proofsPath;
  private String problemsPath;
  private List<String> inputPaths = List.of();
  private List<String> keys = List.of("problem_id", "sample_index");
  private GradingSettings settings = GradingSettings.DEFAULTS;
  private PromptTemplate template;
  private final List<Role> judges = new ArrayList<>();
  private Map<String, LlmMap> maps;
  private String proofsDigest;

  private Grade(org.apache.spark.sql.SparkSession spark, Dataset<Row> proofs) {
    super(spark);
    this.proofs = proofs;
  }

  /** Grades proofs given as rows, for stages built on this one (their content digest is its input). */
  public static Grade of(Dataset<Row> proofs) {
    return new Grade(proofs.sparkSession(), proofs);
  }

  /**
   * Grades the proofs of the dataset at {@code proofs}; {@code problems}, when not null, is a
   * problems dataset that supplies the references the proofs lack ({@link #withReferences}). Both
   * are read when first needed, with the stage's {@code datasets.*} settings, and are its inputs.
   */
  public static Grade reading(org.apache.spark.sql.SparkSession spark, String proofs, String problems) {
    Grade grade = new Grade(spark, null);
    grade.proofsPath = proofs;
    grade.problemsPath = problems;
    grade.inputPaths = problems == null ? List.of(proofs) : List.of(proofs, problems);
    return grade;
  }

  /** The proofs, with their references. */
  private Dataset<Row> proofs() {
    if (proofs == null) {
      proofs = problemsPath == null ? read(proofsPath) : withReferences(read(proofsPath), read(problemsPath));
    }
    return proofs;
  }

  /**
   * The proofs with {@code problem}, {@code solution} and {@code rubric} taken from
   * {@code problems} (by {@code problem_id}) where the proofs do not have them: a dataset of
   * generations usually holds the problem but not its references.
   */
  public static Dataset<Row> withReferences(Dataset<Row> proofs, Dataset<Row> problems) {
    List<String> have = List.of(proofs.columns());
    Dataset<Row> references = problems.select(col("problem_id"), col(PROBLEM).as("ref_problem"), col("solution").as("ref_solution"),
        col("rubric").as("ref_rubric"));
    Dataset<Row> joined = proofs.join(references, "problem_id", "left_outer");
    for (String name : List.of(PROBLEM, "solution", "rubric")) {
      joined = have.contains(name)
          ? joined.withColumn(name, org.apache.spark.sql.functions.coalesce(col(name), col("ref_" + name)))
          : joined.withColumnRenamed("ref_" + name, name);
    }
    return joined.drop("ref_problem", "ref_solution", "ref_rubric");
  }

  /** The columns that identify a proof; by default {@code problem_id, sample_index}. */
  public Grade keyedBy(String... columns) {
    this.keys = List.of(columns);
    return this;
  }

  public Grade settings(GradingSettings settings, PromptTemplate template) {
    this.settings = settings;
    this.template = template;
    return this;
  }

  /** The judges ({@code grading.judges}): each grades every proof, with its own settings and response cache. */
  public Grade judges(List<Role> judges) {
    this.judges.clear();
    this.judges.addAll(judges);
    return this;
  }

  @Override
  public String name() {
    return "grade";
  }

  @Override
  public List<String> outputs() {
    return List.of(GRADES, SCORES, REPORT);
  }

  @Override
  protected List<String> inputs() {
    return inputPaths;
  }

  @Override
  protected Object settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("grading", settings);
    s.put("keys", keys);
    maps().forEach((role, map) -> s.put("judge " + role, map.answerSettings()));
    return s;
  }

  @Override
  protected Map<String, String> prompts() {
    return Map.of(template.name(), template.sha256());
  }

  @Override
  protected Map<String, String> inputDigests() {
    if (proofsDigest == null) {
      proofsDigest = job("digest the proofs", () -> RowsDigest.of(judgeInput()));
    }
    return Map.of("proofs", proofsDigest);
  }

  @Override
  protected boolean isComplete(GradeReport report) {
    return report.judges().values().stream().noneMatch(GenerationReport::leftWorkUndone);
  }

  private JudgeProtocol protocol() {
    return JudgeProtocol.named(settings.protocol());
  }

  /**
   * The input with exactly the columns a judge needs; references the input lacks are null. Key
   * columns are renamed {@code key__NAME} for the judges' LLM maps, whose own columns (such as
   * {@code sample_index}) they would otherwise clash with.
   */
  private Dataset<Row> judgeInput() {
    List<Column> columns = new ArrayList<>();
    keys.forEach(k -> columns.add(col("`" + k + "`").as(KEY_PREFIX + k)));
    for (String name : List.of(PROBLEM, PROOF, "rubric", "solution")) {
      boolean present = List.of(proofs().columns()).contains(name);
      if (!present && (name.equals(PROBLEM) || name.equals(PROOF))) {
        throw new IllegalArgumentException("grading needs a '" + name + "' column; the input has " + List.of(proofs().columns()));
      }
      // The proof under review is renamed: "proof" is also the LLM map's name for the judge's own answer.
      String as = name.equals(PROOF) ? JudgePrompt.GRADED_PROOF : name;
      columns.add(present ? col(name).cast(DataTypes.StringType).as(as) : lit(null).cast(DataTypes.StringType).as(as));
    }
    // A generations dataset says which requests failed: those rows hold no proof, not a blank one.
    columns.add(List.of(proofs().columns()).contains(GENERATION_STATUS)
        ? coalesce(col(GENERATION_STATUS).isin(Status.ERROR.id(), Status.NOT_SENT.id()), lit(false)).as(PROOF_FAILED)
        : lit(false).as(PROOF_FAILED));
    return proofs().select(columns.toArray(Column[]::new));
  }

  private static Column gradable() {
    return col(JudgePrompt.GRADED_PROOF).isNotNull().and(trim(col(JudgePrompt.GRADED_PROOF)).notEqual("")).and(not(col(PROOF_FAILED)));
  }

  /** One LLM map per judge, over the proofs that have a final text; built once. */
  private Map<String, LlmMap> maps() {
    if (maps == null) {
      Objects.requireNonNull(template, "settings(grading, template) is required");
      if (judges.isEmpty()) {
        throw new IllegalStateException("judges(roles) needs at least one judge");
      }
      Dataset<Row> gradable = judgeInput().filter(gradable());
      maps = new LinkedHashMap<>();
      for (Role judge : judges) {
        maps.put(judge.name(), LlmMap.over(gradable).keyedBy(keys.stream().map(k -> KEY_PREFIX + k).toArray(String[]::new))
            .prompt(template, new JudgePrompt(template, protocol())).parser(new ScoreParser(protocol())).role(judge)
            .samples(settings.repeats()).named(step() + " (" + judge.name() + ")").datasets(datasets));
      }
    }
    return maps;
  }

  @Override
  protected GradeReport run(Run run) {
    GradeReport report = writeTo(run, GRADES, SCORES);
    run.writeJson(REPORT, report);
    return report;
  }

  /** Grades and writes the two datasets into {@code run} under the given names; for stages built on this one. */
  public GradeReport writeTo(Run run, String gradesOutput, String scoresOutput) {
    long started = System.nanoTime();
    List<LlmMap.Answers> open = new ArrayList<>();
    try {
      Map<String, GenerationReport> reports = new TreeMap<>();
      Dataset<Row> grades = null;
      for (Map.Entry<String, LlmMap> judge : maps().entrySet()) {
        LlmMap.Answers answers = judge.getValue().answer();
        open.add(answers);
        reports.put(judge.getKey(), answers.report(answers.rows(), run.finalPath(gradesOutput)));
        Dataset<Row> judged = gradeColumns(answers.rows(), judge.getKey());
        grades = grades == null ? judged : grades.unionByName(judged);
      }
      for (Role judge : judges) {
        grades = grades.unionByName(unasked(judgeInput().filter(not(gradable()).and(not(col(PROOF_FAILED)))), judge.name(),
            Status.TRUNCATED, "0", "the proof has no final text after its reasoning (the author stopped before </think> or wrote nothing)"));
        grades = grades.unionByName(unasked(judgeInput().filter(col(PROOF_FAILED)), judge.name(), Status.NO_PROOF, "CAST(NULL AS INT)",
            "there is no proof to grade: its generation failed or was not sent (run that step again)"));
      }
      List<String> gradeKeys = new ArrayList<>(keys);
      gradeKeys.addAll(List.of("judge", "repeat"));
      writeDataset(run, grades, gradesOutput, gradeKeys.toArray(String[]::new));
      Dataset<Row> written = read(run.path(gradesOutput));
      writeDataset(run, scores(written), scoresOutput, keys.toArray(String[]::new));
      Dataset<Row> scores = read(run.path(scoresOutput));
      GradeReport report = new GradeReport(protocol().id(), template.sha256(),
          job("count proofs", () -> judgeInput().count()), job("count judgements", written::count),
          countBy(written), countBy(scores), job("mean score", () -> {
            Row mean = scores.selectExpr("avg(score)").first();
            return mean.isNullAt(0) ? null : mean.getDouble(0);
          }), reports, (System.nanoTime() - started) / 1e9, run.finalPath(gradesOutput), run.finalPath(scoresOutput));
      return report;
    } finally {
      open.forEach(LlmMap.Answers::close);
    }
  }

  /** A judge's answers as grade rows. */
  private Dataset<Row> gradeColumns(Dataset<Row> answers, String role) {
    Stream<String> keyColumns = keys.stream().map(k -> KEY_PREFIX + k + " AS `" + k + "`");
    return answers.selectExpr(Stream.concat(keyColumns, Stream.of(
        "'" + role + "' AS judge",
        "sample_index AS repeat",
        "model AS judge_model",
        "'" + protocol().id() + "' AS protocol",
        "'" + template.sha256() + "' AS prompt_sha256",
        "CASE WHEN " + Status.requestFailed("status") + " AND error LIKE 'bad request: " + JudgePrompt.NO_REFERENCE + "%' THEN " + Status.NO_REFERENCE.sql()
            + " WHEN " + Status.requestFailed("status") + " THEN " + Status.API_ERROR.sql()
            + " WHEN parse_error IS NOT NULL THEN " + Status.PARSE_ERROR.sql() + " ELSE " + Status.OK.sql() + " END AS status",
        "CASE WHEN " + Status.in("status", Status.OK, Status.TRUNCATED) + " AND parse_error IS NULL THEN score END AS score",
        JudgeProtocol.MAX_SCORE + " AS max_score",
        "coalesce(parse_error, error) AS error",
        "completion AS judge_output",
        "prompt_tokens", "completion_tokens", "cost", "cached")).toArray(String[]::new));
  }

  /**
   * Grade rows for proofs no judge is asked about: those without a final text (status
   * truncated, score 0) and those whose generation failed (status no_proof, no score).
   */
  private Dataset<Row> unasked(Dataset<Row> proofs, String role, Status status, String score, String error) {
    Stream<String> keyColumns = keys.stream().map(k -> KEY_PREFIX + k + " AS `" + k + "`");
    return proofs.selectExpr(Stream.concat(keyColumns, Stream.of(
        "'" + role + "' AS judge",
        "0 AS repeat",
        "CAST(NULL AS STRING) AS judge_model",
        "'" + protocol().id() + "' AS protocol",
        "'" + template.sha256() + "' AS prompt_sha256",
        status.sql() + " AS status",
        score + " AS score",
        JudgeProtocol.MAX_SCORE + " AS max_score",
        "'" + error + "' AS error",
        "CAST(NULL AS STRING) AS judge_output",
        "0L AS prompt_tokens", "0L AS completion_tokens", "0D AS cost", "false AS cached")).toArray(String[]::new));
  }

  /** One row per proof: readable scores aggregated, their spread, counts per status. */
  private Dataset<Row> scores(Dataset<Row> grades) {
    Column[] byKey = keys.stream().map(k -> col("`" + k + "`")).toArray(Column[]::new);
    Dataset<Row> counted = grades.groupBy(byKey).agg(
        expr("array_sort(collect_list(CASE WHEN status = " + Status.OK.sql() + " THEN score END))").as("scores"),
        expr("count(*)").as("judgements"),
        expr("count_if(status = " + Status.OK.sql() + ")").as("ok"),
        expr("count_if(status = " + Status.TRUNCATED.sql() + ")").as("truncated"),
        expr("count_if(status = " + Status.PARSE_ERROR.sql() + ")").as("parse_errors"),
        expr("count_if(status = " + Status.API_ERROR.sql() + ")").as("api_errors"),
        expr("count_if(status = " + Status.NO_REFERENCE.sql() + ")").as("no_reference"),
        expr("count_if(status = " + Status.NO_PROOF.sql() + ")").as("no_proof"));
    List<String> columns = new ArrayList<>(keys.stream().map(k -> "`" + k + "`").toList());
    columns.addAll(List.of(
        "CASE WHEN truncated > 0 THEN 0D ELSE " + Aggregation.named(settings.aggregate()).sql("scores") + " END AS score",
        "CASE WHEN size(scores) > 0 THEN array_max(scores) - array_min(scores) END AS spread",
        "scores", "judgements", "ok", "parse_errors", "api_errors", "no_reference", "no_proof",
        "'" + settings.aggregate() + "' AS aggregate",
        "CASE WHEN truncated > 0 THEN " + Status.TRUNCATED.sql() + " WHEN ok > 0 THEN " + Status.OK.sql() + " WHEN parse_errors > 0 THEN " + Status.PARSE_ERROR.sql()
            + " WHEN no_reference > 0 THEN " + Status.NO_REFERENCE.sql() + " WHEN no_proof > 0 THEN " + Status.NO_PROOF.sql() + " ELSE " + Status.API_ERROR.sql() + " END AS status"));
    return counted.selectExpr(columns.toArray(String[]::new));
  }

  private Map<String, Long> countBy(Dataset<Row> rows) {
    Map<String, Long> counts = new TreeMap<>();
    job("count by status", () -> rows.groupBy("status").count().collectAsList())
        .forEach(r -> counts.put(r.getString(0), r.getLong(1)));
    return counts;
  }
}
