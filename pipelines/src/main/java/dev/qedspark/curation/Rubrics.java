package dev.qedspark.curation;

import static org.apache.spark.sql.functions.col;

import dev.qedspark.common.Sql;
import dev.qedspark.common.Status;
import dev.qedspark.io.Run;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmMap;
import dev.qedspark.llm.LlmStage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes 7-point marking schemes for the problems that have a reference solution and no rubric.
 *
 * <p>Each such problem is asked for a scheme ({@link RubricParser} reads and checks it); a
 * scheme that breaks a rule, or a request that fails, is asked again with the next seed, up to
 * {@code attempts} times; what is still unusable then is marked, with the last reason.
 *
 * <p>Writes {@code rubrics} (one row per problem asked: {@code checkpoints},
 * {@code zero_credit}, {@code deductions}, {@code caps}, the rendered {@code rubric_text},
 * {@code status} ok / invalid / api_error, {@code attempts}, {@code error}, the writer's model
 * and the prompt hash), {@code problems} (every input problem, its {@code rubric} filled with the
 * rendered scheme where one was written, and {@code rubric_source}: given, generated, invalid or
 * no_solution) and {@code report.json}.
 */
public final class Rubrics extends LlmStage<Rubrics, RubricsReport, RubricSettings> {
  public static final String RUBRICS = "rubrics";
  public static final String PROBLEMS = "problems";
  public static final String REPORT = "report.json";
  /** Where a problem's rubric comes from ({@code rubric_source}); a scheme that broke the rules is {@link Status#INVALID}. */
  public static final String GIVEN = "given";
  public static final String GENERATED = "generated";
  public static final String NO_SOLUTION = "no_solution";

  private Rubrics(SparkSession spark, String problems) {
    super(spark, problems, RubricSettings.DEFAULTS);
  }

  /** Marking schemes for the problems dataset at {@code problems}; its role ({@code rubrics.role}) writes them. */
  public static Rubrics of(SparkSession spark, String problems) {
    return new Rubrics(spark, problems);
  }

  @Override
  public String name() {
    return "rubrics";
  }

  @Override
  public List<String> outputs() {
    return List.of(RUBRICS, PROBLEMS, REPORT);
  }

  @Override
  protected Object settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("rubrics", settings);
    s.put("writer", map(needed(), 0).answerSettings());
    return s;
  }

  @Override
  protected boolean isComplete(RubricsReport report) {
    return report.byStatus().getOrDefault(Status.API_ERROR.id(), 0L) == 0;
  }

  /** Problems with a reference solution and no rubric: the ones a scheme is written for. */
  private Dataset<Row> needed() {
    return read(input)
        .where("solution IS NOT NULL AND trim(solution) != '' AND (rubric IS NULL OR trim(rubric) = '')")
        .select("problem_id", "problem", "solution");
  }

  private LlmMap map(Dataset<Row> rows, int attempt) {
    return ask(rows, template, new RubricPrompt(template), step()).keyedBy("problem_id").parser(new RubricParser())
        .standIn(RubricParser.STAND_IN).firstSample(attempt);
  }

  @Override
  protected RubricsReport run(Run run) {
    long started = System.nanoTime();
    List<LlmMap.Answers> open = new ArrayList<>();
    try {
      Dataset<Row> pending = needed();
      Dataset<Row> written = null;
      Dataset<Row> failed = null;
      Map<String, GenerationReport> attempts = new TreeMap<>();
      for (int attempt = 0; attempt < settings.attempts(); attempt++) {
        Dataset<Row> asked = pending;
        if (attempt > 0 && job("count problems still without a scheme", asked::count) == 0) {
          break;
        }
        LlmMap.Answers answers = map(asked, attempt).answer();
        open.add(answers);
        attempts.put("attempt " + (attempt + 1), answers.report(answers.rows(), run.finalPath(RUBRICS)));
        Dataset<Row> rows = answers.rows();
        String usable = Status.in("status", Status.OK, Status.TRUNCATED) + " AND parse_error IS NULL";
        Dataset<Row> ok = rows.where(usable).selectExpr("problem_id", "checkpoints", "zero_credit", "deductions", "caps",
            "rubric_text", Status.OK.sql() + " AS status", (attempt + 1) + " AS attempts", "CAST(NULL AS STRING) AS error", "model",
            "'" + template.sha256() + "' AS prompt_sha256");
        written = written == null ? ok : written.unionByName(ok);
        failed = rows.where("NOT (" + usable + ")").selectExpr("problem_id", "CAST(NULL AS " + checkpointsType() + ") AS checkpoints",
            "CAST(NULL AS ARRAY<STRING>) AS zero_credit", "CAST(NULL AS ARRAY<STRUCT<description: STRING, points: INT>>) AS deductions",
            "CAST(NULL AS ARRAY<STRUCT<description: STRING, max_points: INT>>) AS caps", "CAST(NULL AS STRING) AS rubric_text",
            "CASE WHEN parse_error IS NOT NULL THEN " + Status.INVALID.sql() + " ELSE " + Status.API_ERROR.sql() + " END AS status", (attempt + 1) + " AS attempts",
            "coalesce(parse_error, error) AS error", "model", "'" + template.sha256() + "' AS prompt_sha256");
        pending = asked.join(failed.select("problem_id"), "problem_id");
      }
      writeDataset(run, written.unionByName(failed), RUBRICS, "problem_id");
      Dataset<Row> result = read(run.path(RUBRICS));
      Dataset<Row> all = read(input);
      Dataset<Row> filled = all.join(result.select(col("problem_id"), col("rubric_text"), col("status").as("scheme_status")), new String[] {"problem_id"},
              "left_outer")
          .withColumn("rubric_source", org.apache.spark.sql.functions.expr(
              "CASE WHEN rubric IS NOT NULL AND trim(rubric) != '' THEN " + Sql.literal(GIVEN) + " WHEN scheme_status = " + Status.OK.sql()
                  + " THEN " + Sql.literal(GENERATED) + " WHEN scheme_status IS NOT NULL THEN " + Status.INVALID.sql() + " ELSE "
                  + Sql.literal(NO_SOLUTION) + " END"))
          .withColumn("rubric", org.apache.spark.sql.functions.expr("CASE WHEN rubric_source = " + Sql.literal(GENERATED) + " THEN rubric_text ELSE rubric END"))
          .drop("rubric_text", "scheme_status");
      writeDataset(run, filled, PROBLEMS, "problem_id");
      Map<String, Long> byStatus = new TreeMap<>();
      job("count schemes per status", () -> result.groupBy("status").count().collectAsList())
          .forEach(r -> byStatus.put(r.getString(0), r.getLong(1)));
      Map<String, Long> bySource = new TreeMap<>();
      job("count problems per rubric source", () -> read(run.path(PROBLEMS)).groupBy("rubric_source").count()
          .collectAsList()).forEach(r -> bySource.put(r.getString(0), r.getLong(1)));
      RubricsReport report = new RubricsReport(byStatus, bySource, attempts, run.finalPath(RUBRICS), run.finalPath(PROBLEMS),
          (System.nanoTime() - started) / 1e9);
      run.writeJson(REPORT, report);
      return report;
    } finally {
      open.forEach(LlmMap.Answers::close);
    }
  }

  private static String checkpointsType() {
    return "ARRAY<STRUCT<chain: STRING, description: STRING, points: INT, key_idea: BOOLEAN>>";
  }
}
