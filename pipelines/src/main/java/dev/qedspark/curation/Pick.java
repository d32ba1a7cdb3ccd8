package dev.qedspark.curation;

import dev.qedspark.io.Run;
import dev.qedspark.stage.Stage;
import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A few problems picked from a problems dataset, to try a chain on before paying for all of them:
 * for each condition (a Spark SQL expression over the problem columns), the first {@code count}
 * problems by {@code problem_id} that meet it. The same input and conditions always pick the same
 * problems. Writes {@code problems} (the picked rows, columns unchanged) and nothing else.
 *
 * <pre>{@code
 * Pick.of(spark, "runs/x/curate/curated").take("rubric IS NOT NULL", 2).take("rubric IS NULL", 1).into("runs/x/pick").execute();
 * }</pre>
 */
public final class Pick extends Stage<Pick, Pick.Result> {
  public static final String PROBLEMS = "problems";

  /** How many problems each condition picked, and where they are. */
  public record Result(Map<String, Long> byCondition, long problems, String path) implements StageResult {
    @Override
    public void print(PrintStream out) {
      out.printf("pick: %,d problems%n", problems);
      byCondition.forEach((condition, count) -> out.printf("  %,d where %s%n", count, condition));
      out.println("  problems: " + path);
    }
  }

  private final String problems;
  private final Map<String, Integer> conditions = new LinkedHashMap<>();

  private Pick(SparkSession spark, String problems) {
    super(spark);
    this.problems = problems;
  }

  public static Pick of(SparkSession spark, String problems) {
    return new Pick(spark, problems);
  }

  /** Adds the first {@code count} problems (by id) for which {@code condition} holds. */
  public Pick take(String condition, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("pick at least one problem per condition, not " + count);
    }
    conditions.merge(condition, count, Integer::sum);
    return this;
  }

  @Override
  public String name() {
    return "pick";
  }

  @Override
  public List<String> outputs() {
    return List.of(PROBLEMS);
  }

  @Override
  protected List<String> inputs() {
    return List.of(problems);
  }

  @Override
  protected Object settings() {
    return conditions;
  }

  @Override
  protected Result run(Run run) {
    Dataset<Row> all = read(problems);
    Dataset<Row> picked = null;
    List<String> taken = new ArrayList<>();
    for (Map.Entry<String, Integer> condition : conditions.entrySet()) {
      Dataset<Row> rows = all.where(condition.getKey()).orderBy("problem_id").limit(condition.getValue());
      picked = picked == null ? rows : picked.unionByName(rows);
      taken.add(condition.getKey());
    }
    if (picked == null) {
      throw new IllegalStateException("take(condition, count) at least once: there is nothing to pick");
    }
    long count = writeDataset(run, picked.dropDuplicates("problem_id"), PROBLEMS, "problem_id").rows();
    Dataset<Row> written = read(run.path(PROBLEMS));
    Map<String, Long> byCondition = new LinkedHashMap<>();
    for (String condition : taken) {
      byCondition.put(condition, job("count problems picked by " + condition, () -> written.where(condition).count()));
    }
    return new Result(byCondition, count, run.finalPath(PROBLEMS));
  }
}
