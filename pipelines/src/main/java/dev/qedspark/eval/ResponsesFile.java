package dev.qedspark.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.qedspark.common.ConfigException;
import dev.qedspark.common.Status;
import dev.qedspark.io.Run;
import dev.qedspark.llm.Completion;
import dev.qedspark.stage.Stage;
import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Responses written elsewhere, read for grading: a JSONL or Parquet file (or folder) of rows
 * with {@code problem_id}, {@code response} and, optionally, {@code run}. A problem id may be the
 * benchmark's own ({@code imo-bench-algebra-001}) or the project's
 * ({@code imo-answerbench:imo-bench-algebra-001}); an id the benchmark does not have is an error
 * that shows a few it has, unless the benchmark's ingest quarantined that problem's row (the
 * upstream IMO-AnswerBench file has one malformed row): such responses cannot be scored, and are
 * left out and counted ({@link Result#quarantined}). Without {@code run}, a problem's responses
 * are numbered in file order.
 *
 * <p>Writes {@code responses} in the shape of generations: {@code problem_id},
 * {@code sample_index} (the run), {@code completion} (the response), {@code reasoning_content}
 * and {@code proof} (split at {@code </think>}), {@code status} ok, and null tokens and cost.
 */
public final class ResponsesFile extends Stage<ResponsesFile, ResponsesFile.Result> {
  public static final String RESPONSES = "responses";
  static final StructType SCHEMA = new StructType()
      .add("problem_id", DataTypes.StringType, false)
      .add("sample_index", DataTypes.IntegerType, false)
      .add("completion", DataTypes.StringType, false)
      .add("reasoning_content", DataTypes.StringType, true)
      .add("proof", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("prompt_tokens", DataTypes.LongType, true)
      .add("completion_tokens", DataTypes.LongType, true)
      .add("cost", DataTypes.DoubleType, true)
      .add("model", DataTypes.StringType, true);

  /**
   * How many responses were read, for how many problems, and where they are.
   *
   * @param quarantined responses left out because their problem is in the benchmark's quarantine, by problem id
   */
  public record Result(long responses, long problems, java.util.Map<String, Long> quarantined, String path) implements StageResult {
    @Override
    public void print(PrintStream out) {
      out.printf("responses: %,d for %,d problems%n", responses, problems);
      quarantined.forEach((id, n) -> out.printf(
          "  left out: %,d for %s, a problem the benchmark's ingest quarantined (see benchmark/quarantine)%n", n, id));
      out.println("  responses: " + path);
    }
  }

  private final String file;
  private final String problems;
  private final String quarantine;

  private ResponsesFile(SparkSession spark, String file, String problems, String quarantine) {
    super(spark);
    this.file = file;
    this.problems = problems;
    this.quarantine = quarantine;
  }

  /**
   * @param problems the benchmark's problems dataset, whose ids the responses must use
   * @param quarantine the rows the benchmark's ingest quarantined (null if none)
   */
  public static ResponsesFile of(SparkSession spark, String file, String problems, String quarantine) {
    return new ResponsesFile(spark, file, problems, quarantine);
  }

  @Override
  public String name() {
    return "responses";
  }

  @Override
  public List<String> outputs() {
    return List.of(RESPONSES);
  }

  @Override
  protected List<String> inputs() {
    return quarantine == null ? List.of(file, problems) : List.of(file, problems, quarantine);
  }

  @Override
  protected Object settings() {
    return "responses v1";
  }

  private Dataset<Row> read() {
    Dataset<Row> rows = RowFiles.read(spark, file);
    List<String> columns = List.of(rows.columns());
    for (String required : List.of("problem_id", "response")) {
      if (!columns.contains(required)) {
        throw new ConfigException(file + " has no '" + required + "' column; responses need problem_id and response"
            + " (and, optionally, run); its columns are " + columns);
      }
    }
    return rows;
  }

  @Override
  protected Result run(Run run) {
    Dataset<Row> raw = read().withColumn("file_order", expr("monotonically_increasing_id()"));
    boolean hasRun = List.of(raw.columns()).contains("run");
    Dataset<Row> ids = read(problems).selectExpr("problem_id AS known_id",
        "substring(problem_id, instr(problem_id, ':') + 1) AS own_id");
    Dataset<Row> resolved = raw.selectExpr("CAST(problem_id AS STRING) AS given_id", "response",
            (hasRun ? "CAST(run AS INT)" : "CAST(NULL AS INT)") + " AS run", "file_order")
        .join(ids, col("given_id").equalTo(col("known_id")).or(col("given_id").equalTo(col("own_id"))), "left_outer");
    List<String> unknownIds = job("find unknown problem ids", () -> resolved.where("known_id IS NULL").select("given_id").distinct()
        .as(Encoders.STRING()).collectAsList());
    java.util.Map<String, Long> quarantined = new java.util.TreeMap<>();
    if (quarantine != null && !unknownIds.isEmpty()) {
      List<String> rawRows = job("read the quarantined rows", () -> read(quarantine).select("raw").as(Encoders.STRING()).collectAsList());
      for (String id : unknownIds) {
        // The id as a whole word of the quarantined row's text (not a prefix of a longer id).
        java.util.regex.Pattern word = java.util.regex.Pattern.compile("(?<![\\w-])" + java.util.regex.Pattern.quote(id.substring(id.indexOf(':') + 1))
            + "(?![\\w-])");
        if (rawRows.stream().anyMatch(r -> r != null && word.matcher(r).find())) {
          quarantined.put(id, job("count responses to " + id, () -> resolved.where(col("given_id").equalTo(id)).count()));
        }
      }
    }
    List<String> unknown = unknownIds.stream().filter(id -> !quarantined.containsKey(id)).limit(5).toList();
    if (!unknown.isEmpty()) {
      List<String> valid = job("list valid ids", () -> ids.orderBy("own_id").limit(3).select("own_id").as(Encoders.STRING()).collectAsList());
      throw new ConfigException(file + ": the benchmark has no problem " + unknown + "; its ids look like " + valid
          + " (or with the source prefix, e.g. '" + job("one id", () -> ids.select("known_id").as(Encoders.STRING()).first()) + "')");
    }
    long negative = job("count negative runs", () -> resolved.where("run < 0").count());
    if (negative > 0) {
      throw new ConfigException(file + ": " + negative + " rows have a negative run; runs are numbered from 0");
    }
    long missing = job("count rows without a response", () -> resolved.where("known_id IS NOT NULL AND response IS NULL").count());
    if (missing > 0) {
      throw new ConfigException(file + ": " + missing + " rows have no response (null); give an empty string for a model that wrote nothing");
    }
    Dataset<Row> numbered = resolved.where("known_id IS NOT NULL").selectExpr("known_id AS problem_id", "CAST(response AS STRING) AS response",
        "coalesce(run, CAST(row_number() OVER (PARTITION BY known_id ORDER BY file_order) - 1 AS INT)) AS sample_index");
    long duplicates = job("count repeated runs", () -> numbered.groupBy("problem_id", "sample_index").count().where("count > 1").count());
    if (duplicates > 0) {
      throw new ConfigException(file + ": " + duplicates + " (problem_id, run) pairs appear more than once; each run of a problem needs one response");
    }
    Dataset<Row> shaped = numbered.map((MapFunction<Row, Row>) r -> {
      String response = r.getString(1);
      String[] split = Completion.split(response);
      return RowFactory.create(r.getString(0), r.getInt(2), response, split[0], split[1], Status.OK.id(), null, null, null, null);
    }, Encoders.row(SCHEMA));
    long written = writeDataset(run, shaped, RESPONSES, "problem_id", "sample_index").rows();
    long problemCount = job("count problems answered", () -> read(run.path(RESPONSES)).select("problem_id").distinct().count());
    return new Result(written, problemCount, quarantined, run.finalPath(RESPONSES));
  }
}
