package dev.qedspark.curation;

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
 * The LLM filter: a model tags every problem ({@code incomplete}, {@code difficulty} 1-10,
 * {@code gaps}, {@code wrong}, {@code disagreement}, {@code computational}) and the configured
 * rules decide which problems stay.
 *
 * <p>Writes {@code tags} (every problem: the tags, {@code status} ok / unreadable / api_error,
 * {@code error}, model and prompt hash), {@code problems} (the problems kept, with their tags),
 * {@code dropped} (the others, with the {@code reason}: the first drop tag that is true,
 * too_easy, too_hard, or the status of a problem whose tags could not be had when
 * {@code keep-unreadable} is off) and {@code report.json}. Unreadable answers are marked, never
 * silently dropped.
 */
public final class Filter extends LlmStage<Filter, FilterReport, FilterSettings> {
  public static final String TAGS = "tags";
  public static final String PROBLEMS = "problems";
  public static final String DROPPED = "dropped";
  public static final String REPORT = "report.json";
  /** Why a problem goes besides its drop tags: its difficulty is below or above the configured range. */
  public static final String TOO_EASY = "too_easy";
  public static final String TOO_HARD = "too_hard";

  private LlmMap map;

  private Filter(SparkSession spark, String problems) {
    super(spark, problems, FilterSettings.DEFAULTS);
  }

  /** The filter over the problems dataset at {@code problems}; its role ({@code filter.role}) tags them. */
  public static Filter of(SparkSession spark, String problems) {
    return new Filter(spark, problems);
  }

  @Override
  public String name() {
    return "filter";
  }

  @Override
  public List<String> outputs() {
    return List.of(TAGS, PROBLEMS, DROPPED, REPORT);
  }

  @Override
  protected Object settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("filter", settings);
    s.put("tagger", map().answerSettings());
    return s;
  }

  @Override
  protected boolean isComplete(FilterReport report) {
    return !report.tagging().leftWorkUndone();
  }

  private LlmMap map() {
    if (map == null) {
      map = ask(read(input).select("problem_id", "problem", "solution", "answer"), template, new FilterPrompt(template), step())
          .keyedBy("problem_id").parser(new FilterTagsParser()).standIn(FilterTagsParser.standIn(settings));
    }
    return map;
  }

  /** Why a tagged problem goes, or null when it stays. */
  private String reason() {
    StringBuilder sql = new StringBuilder("CASE");
    for (String tag : settings.drop()) {
      sql.append(" WHEN ").append(tag).append(" THEN '").append(tag).append("'");
    }
    sql.append(" WHEN difficulty < ").append(settings.minDifficulty()).append(" THEN ").append(Sql.literal(TOO_EASY));
    sql.append(" WHEN difficulty > ").append(settings.maxDifficulty()).append(" THEN ").append(Sql.literal(TOO_HARD));
    if (!settings.keepUnreadable()) {
      sql.append(" WHEN filter_status != " + Status.OK.sql() + " THEN filter_status");
    }
    return sql.append(" END").toString();
  }

  @Override
  protected FilterReport run(Run run) {
    long started = System.nanoTime();
    GenerationReport tagging;
    try (LlmMap.Answers answers = map().answer()) {
      tagging = answers.report(answers.rows(), run.finalPath(TAGS));
      List<String> columns = new ArrayList<>(List.of("problem_id"));
      columns.addAll(FilterSettings.TAGS);
      columns.addAll(List.of("difficulty",
          "CASE WHEN " + Status.requestFailed("status") + " THEN " + Status.API_ERROR.sql() + " WHEN parse_error IS NOT NULL THEN " + Status.UNREADABLE.sql() + " ELSE " + Status.OK.sql() + " END AS status",
          "coalesce(parse_error, error) AS error", "model", "'" + template.sha256() + "' AS prompt_sha256"));
      writeDataset(run, answers.rows().selectExpr(columns.toArray(String[]::new)), TAGS, "problem_id");
    }
    Dataset<Row> tags = read(run.path(TAGS));
    List<String> tagColumns = new ArrayList<>(FilterSettings.TAGS);
    tagColumns.add("difficulty");
    Dataset<Row> tagged = read(input)
        .join(tags.selectExpr(concat(List.of("problem_id", "status AS filter_status", "error AS filter_error"), tagColumns)), "problem_id")
        .selectExpr("*", reason() + " AS reason");
    writeDataset(run, tagged.where("reason IS NULL").drop("reason"), PROBLEMS, "problem_id");
    writeDataset(run, tagged.where("reason IS NOT NULL"), DROPPED, "problem_id");
    Map<String, Long> byReason = new TreeMap<>();
    job("count dropped problems per reason", () -> read(run.path(DROPPED)).groupBy("reason").count().collectAsList())
        .forEach(r -> byReason.put(r.getString(0), r.getLong(1)));
    Map<String, Long> byStatus = new TreeMap<>();
    job("count tags per status", () -> tags.groupBy("status").count().collectAsList()).forEach(r -> byStatus.put(r.getString(0), r.getLong(1)));
    long kept = job("count kept problems", () -> read(run.path(PROBLEMS)).count());
    FilterReport report = new FilterReport(kept, byReason, byStatus, tagging, run.finalPath(PROBLEMS), run.finalPath(DROPPED),
        (System.nanoTime() - started) / 1e9);
    run.writeJson(REPORT, report);
    return report;
  }

  private static String[] concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all.toArray(String[]::new);
  }
}
