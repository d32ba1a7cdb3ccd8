package dev.qedspark.eval;

import dev.qedspark.common.Status;
import dev.qedspark.grading.Grade;
import dev.qedspark.grading.GradeReport;
import dev.qedspark.grading.GradingSettings;
import dev.qedspark.io.Run;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmMap;
import dev.qedspark.llm.PromptTemplate;
import dev.qedspark.llm.Role;
import dev.qedspark.stage.Stage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a model's responses to a benchmark and summarizes them.
 *
 * <p>Answers ({@link Benchmark.Kind#ANSWER}): the final answer is extracted from the text after
 * the reasoning ({@link FinalAnswer}) and checked against the gold answer symbolically
 * ({@link AnswerCheck}); only what that cannot decide goes to the first judge role with the
 * {@code grade-answer} prompt (with {@code eval.judge-undecided} off, or no judge but the tiny
 * random test model, it stays {@code undecided}: no score, not wrong). Score 1 or 0, no partial credit; {@code method} says
 * what decided. Proofs ({@link Benchmark.Kind#PROOF}): graded by the judges with the benchmark's
 * protocol ({@link Grade}), score 0-7.
 *
 * <p>A response cut off (stopped by {@code max_tokens}, no final text, or no {@code </think>}
 * when {@code eval.thinking}) is {@code truncated}: score 0. A generation that failed is
 * {@code api_error}, a judgement that failed or could not be read {@code judge_error}: no score,
 * counted apart. Writes {@code samples} (one row per problem and run), {@code summary.json}
 * ({@link EvalSummary}) and {@code report.html}; for proofs also the judges' {@code grades} and
 * {@code scores}, for answers the judge's {@code judgements}.
 */
public final class Evaluate extends Stage<Evaluate, EvalSummary> {
  public static final String SAMPLES = "samples";
  public static final String GRADES = "grades";
  public static final String SCORES = "scores";
  public static final String JUDGEMENTS = "judgements";
  public static final String SUMMARY = "summary.json";
  public static final String REPORT = "report.html";
  /**
   * What metrics are broken down by: IMO-ProofBench's subset (Basic or Advanced, from the id),
   * and the problems' level and category.
   */
  static final List<String> SPLITS = List.of("subset", "level", "category");

  private final Benchmark benchmark;
  private final String problems;
  private final String responses;
  private EvalSettings settings = EvalSettings.DEFAULTS;
  private GradingSettings grading = GradingSettings.DEFAULTS;
  private PromptTemplate gradeTemplate;
  private PromptTemplate answerJudgeTemplate;
  private final List<Role> judges = new ArrayList<>();
  private Role model;
  private String scaffold = "direct";
  private int runs = 1;

  private Evaluate(SparkSession spark, Benchmark benchmark, String problems, String responses) {
    super(spark);
    this.benchmark = benchmark;
    this.problems = problems;
    this.responses = responses;
  }

  /**
   * @param problems the benchmark's problems dataset
   * @param responses generations of the model under test, or {@link ResponsesFile}'s output
   */
  public static Evaluate of(SparkSession spark, Benchmark benchmark, String problems, String responses) {
    return new Evaluate(spark, benchmark, problems, responses);
  }

  /**
   * @param gradeTemplate the prompt of the benchmark's judge protocol (proofs)
   * @param answerJudgeTemplate the {@code grade-answer} prompt (answers the symbolic check cannot decide)
   */
  public Evaluate settings(EvalSettings settings, GradingSettings grading, PromptTemplate gradeTemplate, PromptTemplate answerJudgeTemplate) {
    this.settings = settings;
    this.grading = grading;
    this.gradeTemplate = gradeTemplate;
    this.answerJudgeTemplate = answerJudgeTemplate;
    return this;
  }

  public Evaluate judges(List<Role> judges) {
    this.judges.clear();
    this.judges.addAll(judges);
    return this;
  }

  /**
   * How the responses were made, for the record: {@code direct}, a scaffold's name or
   * {@code file}, and how many per problem (0: as many as the file holds).
   */
  public Evaluate responses(String scaffold, int runs) {
    this.scaffold = scaffold;
    this.runs = runs;
    return this;
  }

  /** The model under test, for the record; null when the responses come from a file. */
  public Evaluate model(Role model) {
    this.model = model;
    return this;
  }

  private String modelName() {
    return model == null ? "" : model.endpoint().model();
  }

  /** Answers pass at 1 (correct); proofs at {@code eval.pass-score} of 7. */
  private int passScore() {
    return benchmark.kind() == Benchmark.Kind.ANSWER ? 1 : settings.passScore();
  }

  private EvalSetup setup() {
    return EvalSetup.of(benchmark, model, scaffold, runs, settings, grading, judges);
  }

  @Override
  public String name() {
    return "eval";
  }

  @Override
  public List<String> outputs() {
    return benchmark.kind() == Benchmark.Kind.PROOF ? List.of(SAMPLES, GRADES, SCORES, SUMMARY, REPORT)
        : List.of(SAMPLES, JUDGEMENTS, SUMMARY, REPORT);
  }

  @Override
  protected List<String> inputs() {
    return List.of(problems, responses);
  }

  @Override
  protected Object settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("benchmark", List.of(benchmark.name(), benchmark.kind(), String.valueOf(benchmark.protocol())));
    s.put("eval", settings);
    s.put("grading", grading);
    s.put("model", model == null ? null : model.answerIdentity());
    s.put("scaffold", scaffold);
    s.put("runs", runs);
    s.put("judges", Role.answerIdentities(judges));
    return s;
  }

  @Override
  protected Map<String, String> prompts() {
    Map<String, String> p = new LinkedHashMap<>();
    if (gradeTemplate != null && benchmark.kind() == Benchmark.Kind.PROOF) {
      p.put(gradeTemplate.name(), gradeTemplate.sha256());
    }
    if (answerJudgeTemplate != null && benchmark.kind() == Benchmark.Kind.ANSWER) {
      p.put(answerJudgeTemplate.name(), answerJudgeTemplate.sha256());
    }
    return p;
  }

  @Override
  protected boolean isComplete(EvalSummary summary) {
    return summary.judgeCalls().values().stream().noneMatch(GenerationReport::leftWorkUndone);
  }

  /** Responses with the problem's text, references and splits; truncation decided. */
  private Dataset<Row> responsesWithProblems() {
    Dataset<Row> problemRows = read(problems).selectExpr("problem_id", "problem", "answer AS gold", "solution",
        "rubric", "level", "category", "nullif(regexp_extract(problem_id, ':PB-(Basic|Advanced)-', 1), '') AS subset");
    // Cut off: stopped by max_tokens, no final text, or (for a thinking model) no </think>.
    String truncated = "(status = " + Status.TRUNCATED.sql() + " OR coalesce(trim(proof), '') = ''" + (settings.thinking() ? " OR reasoning_content IS NULL" : "") + ")";
    return read(responses).selectExpr("problem_id", "sample_index AS run", "completion AS response",
            "reasoning_content AS reasoning", "CASE WHEN " + truncated + " THEN '' ELSE proof END AS proof",
            "CASE WHEN " + Status.requestFailed("status") + " THEN " + Status.API_ERROR.sql() + " WHEN " + truncated + " THEN " + Status.TRUNCATED.sql() + " ELSE " + Status.OK.sql() + " END AS response_status",
            "completion_tokens AS tokens", "cost", "model")
        .join(problemRows, "problem_id");
  }

  @Override
  protected EvalSummary run(Run run) {
    long started = System.nanoTime();
    Map<String, GenerationReport> judgeCalls = new LinkedHashMap<>();
    List<Runnable> release = new ArrayList<>();
    try {
      Dataset<Row> samples = benchmark.kind() == Benchmark.Kind.ANSWER ? answerSamples(run, judgeCalls, release) : proofSamples(run, judgeCalls);
      writeDataset(run, samples, SAMPLES, "problem_id", "run");
    } finally {
      release.forEach(Runnable::run);
    }
    List<EvalMetrics.Sample> collected = new ArrayList<>();
    Map<String, Long> methods = new java.util.TreeMap<>();
    for (Row r : job("collect the scored samples", () -> read(run.path(SAMPLES)).selectExpr("problem_id", "run",
        "score", "max_score", "passed", "status", "tokens", "cost", "subset", "level", "category", "method").collectAsList())) {
      Map<String, String> splits = new LinkedHashMap<>();
      for (int i = 0; i < SPLITS.size(); i++) {
        splits.put(SPLITS.get(i), r.getString(8 + i));
      }
      methods.merge(r.isNullAt(11) ? "none" : r.getString(11), 1L, Long::sum);
      collected.add(new EvalMetrics.Sample(r.getString(0), r.getInt(1), r.isNullAt(2) ? null : r.getDouble(2), r.getDouble(3),
          r.isNullAt(4) ? null : r.getBoolean(4), r.getString(5), r.isNullAt(6) ? null : r.getLong(6), r.isNullAt(7) ? null : r.getDouble(7),
          splits));
    }
    Dataset<Row> made = read(responses);
    Row effort = job("average calls and tokens per response", () -> made.selectExpr(
        List.of(made.columns()).contains("calls") ? "avg(calls)" : "1D",
        "avg(coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0))").first());
    EvalSummary summary = new EvalSummary(benchmark.name(), benchmark.kind().name().toLowerCase(),
        benchmark.protocol() == null ? null : benchmark.protocol().id(), modelName(), scaffold, effort.isNullAt(0) ? null : effort.getDouble(0),
        effort.isNullAt(1) ? null : effort.getDouble(1), passScore(),
        EvalMetrics.of(collected, settings.bootstrap(), settings.confidence(), settings.seed()),
        settings.metrics().equals("qed-nano") ? EvalMetrics.qedNano(collected) : null,
        EvalMetrics.bySplit(collected, settings.bootstrap(), settings.confidence(), settings.seed()), methods, judgeCalls,
        run.finalPath(SAMPLES), run.finalPath(REPORT), setup(), (System.nanoTime() - started) / 1e9);
    run.writeJson(SUMMARY, summary);
    List<Row> drill = job("collect rows for the report", () -> read(run.path(SAMPLES)).orderBy("problem_id", "run")
        .selectExpr("problem_id", "run", clip("problem"), clip("reference"), clip("response"), clip("extracted"), "score", "max_score",
            "status", "method", clip("judge_output")).collectAsList());
    run.writeText(REPORT, ReportPage.html(summary, drill));
    return summary;
  }

  /** A text column cut for the report page (the samples dataset keeps it whole), so that the driver holds little. */
  private static String clip(String column) {
    return "CASE WHEN length(" + column + ") > " + ReportPage.MAX_TEXT + " THEN concat(left(" + column + ", " + ReportPage.MAX_TEXT
        + "), '\n... (' , length(" + column + ") - " + ReportPage.MAX_TEXT + ", ' more characters in samples)') ELSE " + column + " END AS " + column;
  }

  private static final String SAMPLE_COLUMNS = "problem_id, run, problem, REFERENCE, response, reasoning, proof, EXTRACTED,"
      + " score, max_score, passed, status, method, judge_output, tokens, cost, model, subset, level, category, SETUP";

  /** The sample columns: {@code setup} is the {@link EvalSetup} as JSON, the same on every sample. */
  private String[] sampleColumns(String reference, String extracted) {
    String setup;
    try {
      setup = dev.qedspark.io.Manifest.JSON.writeValueAsString(setup());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    String[] columns = SAMPLE_COLUMNS.split(",\\s*");
    columns[3] = reference + " AS reference";
    columns[7] = extracted + " AS extracted";
    columns[columns.length - 1] = dev.qedspark.common.Sql.literal(setup) + " AS setup";
    return columns;
  }

  /** The answer rows; {@code release} gets what to free once they are written (the checks are done once). */
  private Dataset<Row> answerSamples(Run run, Map<String, GenerationReport> judgeCalls, List<Runnable> release) {
    AnswerCheck.Options options = settings.checkOptions();
    FinalAnswer.Extraction extraction = settings.extraction();
    StructType checkedSchema = responsesWithProblems().schema().add("extracted_answer", DataTypes.StringType)
        .add("outcome", DataTypes.StringType).add("check_method", DataTypes.StringType).add("check_note", DataTypes.StringType);
    Dataset<Row> checked = responsesWithProblems().map((MapFunction<Row, Row>) r -> {
      String proof = r.getAs("proof");
      String extracted = FinalAnswer.of(proof, extraction);
      String gold = r.getAs("gold");
      AnswerCheck.Verdict v = !Status.OK.id().equals(r.getAs("response_status")) ? null
          : gold == null ? new AnswerCheck.Verdict(AnswerCheck.Outcome.UNDECIDED, "no_gold", "the problem has no gold answer")
          : AnswerCheck.check(gold, extracted, options);
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) {
        values.add(r.get(i));
      }
      values.add(extracted);
      values.add(v == null ? null : v.outcome().name());
      values.add(v == null ? null : v.method());
      values.add(v == null ? null : v.note());
      return RowFactory.create(values.toArray());
    }, Encoders.row(checkedSchema)).cache();
    release.add(checked::unpersist);
    Dataset<Row> undecided = checked.where("outcome = 'UNDECIDED'");
    Dataset<Row> verdicts;
    // The project's tiny random test model is no judge: without a real one, undecided answers stay undecided.
    if (settings.judgeUndecided() && !judges.isEmpty() && !judges.get(0).endpoint().isTinyRandomModel()) {
      Role judge = judges.get(0);
      LlmMap map = LlmMap.over(undecided.selectExpr("problem_id", "run", "problem", "gold", "extracted_answer")
              .where("extracted_answer IS NOT NULL AND gold IS NOT NULL"))
          .keyedBy("problem_id", "run").prompt(answerJudgeTemplate, new AnswerJudge.Prompts(answerJudgeTemplate))
          .parser(new AnswerJudge.Verdicts()).role(judge).named(step() + " (answer judge)").datasets(datasets);
      judgeCalls.put("answers judged by " + judge.name(), map.writeTo(run, JUDGEMENTS));
      verdicts = read(run.path(JUDGEMENTS)).selectExpr("problem_id", "run", "same",
          "CASE WHEN " + Status.requestFailed("status") + " OR parse_error IS NOT NULL THEN coalesce(parse_error, error) END AS judge_error",
          "completion AS judge_output");
    } else {
      writeDataset(run, undecided.selectExpr("problem_id", "run", "CAST(NULL AS BOOLEAN) AS same").limit(0), JUDGEMENTS, "problem_id", "run");
      verdicts = read(run.path(JUDGEMENTS)).selectExpr("problem_id", "run", "same", "CAST(NULL AS STRING) AS judge_error",
          "CAST(NULL AS STRING) AS judge_output");
    }
    Dataset<Row> decided = checked.join(verdicts, new String[] {"problem_id", "run"}, "left_outer").selectExpr("*",
        "CASE WHEN response_status != " + Status.OK.sql() + " THEN response_status WHEN outcome != 'UNDECIDED' THEN " + Status.OK.sql()
            + " WHEN same IS NOT NULL THEN " + Status.OK.sql() + " WHEN judge_error IS NOT NULL THEN " + Status.JUDGE_ERROR.sql() + " ELSE " + Status.UNDECIDED.sql() + " END AS status",
        "CASE WHEN response_status = " + Status.TRUNCATED.sql() + " THEN 0D WHEN response_status != " + Status.OK.sql() + " THEN NULL WHEN outcome = 'EQUAL' THEN 1D"
            + " WHEN outcome = 'DIFFERENT' THEN 0D WHEN same THEN 1D WHEN NOT same THEN 0D END AS score",
        "1D AS max_score",
        "CASE WHEN response_status = " + Status.OK.sql() + " AND outcome != 'UNDECIDED' THEN check_method WHEN same IS NOT NULL THEN 'judge'"
            + " WHEN response_status = " + Status.TRUNCATED.sql() + " THEN " + Status.TRUNCATED.sql() + " ELSE check_method END AS method");
    return decided.selectExpr("*", "CASE WHEN score IS NULL THEN NULL ELSE score >= 1 END AS passed")
        .selectExpr(sampleColumns("gold", "extracted_answer"));
  }

  private Dataset<Row> proofSamples(Run run, Map<String, GenerationReport> judgeCalls) {
    Dataset<Row> rows = responsesWithProblems();
    // Failed generations keep their status for the judges to see: they are not graded (no_proof).
    Grade grade = Grade.of(rows.selectExpr("problem_id", "run", "problem", "proof", "solution", "rubric",
            "CASE WHEN response_status = " + Status.API_ERROR.sql() + " THEN " + Status.ERROR.sql() + " ELSE " + Status.OK.sql() + " END AS status"))
        .keyedBy("problem_id", "run")
        .settings(new GradingSettings(benchmark.protocol().id(), grading.judges(), grading.repeats(), grading.aggregate()), gradeTemplate)
        .judges(judges).named(step()).datasets(datasets);
    GradeReport report = grade.writeTo(run, GRADES, SCORES);
    report.llmCalls().forEach(judgeCalls::put);
    Dataset<Row> firstJudgement = read(run.path(GRADES)).where("repeat = 0 AND judge = '" + grading.judges().get(0) + "'")
        .selectExpr("problem_id", "run", "judge_output");
    Dataset<Row> scores = read(run.path(SCORES)).selectExpr("problem_id", "run", "score", "status AS grade_status");
    int pass = settings.passScore();
    return rows.join(scores, new String[] {"problem_id", "run"}, "left_outer").join(firstJudgement, new String[] {"problem_id", "run"}, "left_outer")
        .selectExpr("*",
            "CASE WHEN response_status = " + Status.API_ERROR.sql() + " THEN " + Status.API_ERROR.sql() + " WHEN " + Status.in("grade_status", Status.PARSE_ERROR, Status.API_ERROR) + " THEN " + Status.JUDGE_ERROR.sql()
                + " ELSE grade_status END AS status",
            "7D AS max_score", "CASE WHEN score IS NULL THEN NULL ELSE score >= " + pass + " END AS passed",
            "'" + benchmark.protocol().id() + "' AS method")
        .selectExpr(sampleColumns("solution", "proof"));
  }
}
