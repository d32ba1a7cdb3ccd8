package dev.qedspark.eval;

import static org.apache.spark.sql.functions.expr;

import dev.qedspark.io.Run;
import dev.qedspark.llm.AnswerParser;
import dev.qedspark.llm.Completion;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmCalls;
import dev.qedspark.llm.LlmMap;
import dev.qedspark.llm.LlmStage;
import dev.qedspark.llm.Prompt;
import dev.qedspark.llm.PromptBuilder;
import dev.qedspark.llm.PromptTemplate;
import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Test-time scaffolds: several calls per problem and run, one response out, in the shape of
 * generations so that {@link Evaluate} scores it like any other. Every call is an
 * {@link LlmMap} request with its own request index (run, round, slot), so each is cached, and a
 * killed run resumes by finding its earlier calls in the cache.
 *
 * <ul>
 *   <li>{@code self-verify}: {@code candidates} solutions; each checked {@code verifications}
 *       times by the model itself (the {@code verify} prompt: a critique, then
 *       <code>\boxed{1}</code>, <code>\boxed{0.5}</code> or <code>\boxed{0}</code>); for
 *       {@code refinements} rounds, each candidate is rewritten from its two lowest-rated
 *       critiques ({@code refine}) and checked again; the answer is the candidate, of any
 *       round, with the best mean self-rating.
 *   <li>{@code reasoning-cache}: {@code rounds} rounds; after each but the last, the model
 *       summarizes its reasoning in at most two paragraphs ({@code summarize}) and reasons again
 *       from the problem and that summary ({@code retry}); the last round's answer counts.
 *   <li>{@code rsa} (recursive self-aggregation): a population of {@code population}
 *       solutions; for {@code aggregations} rounds each new member merges {@code group}
 *       members drawn from the last population ({@code aggregate}); the answer is, for answer
 *       benchmarks, the first member with the most common final answer, else the first member.
 * </ul>
 *
 * <p>Writes {@code responses} (one per problem and run, with the tokens and cost of all its calls
 * and their number, {@code calls}) and {@code calls} (every call: step, slot, request index,
 * status, text and tokens).
 */
public final class Scaffold extends LlmStage<Scaffold, Scaffold.Result, ScaffoldSettings> {
  public static final String RESPONSES = "responses";
  public static final String CALLS = "calls";
  /** The scaffolds there are, by name; {@code direct} is a single call, see {@link dev.qedspark.pipeline.Stages#respond}. */
  public static final List<String> NAMES = List.of("direct", "self-verify", "reasoning-cache", "rsa");
  private static final String[] KEYS = {"problem_id", "run", "slot"};

  /** What a scaffold run did. */
  public record Result(String scaffold, long responses, long calls, Map<String, GenerationReport> steps, String path)
      implements LlmCalls, StageResult {
    @Override
    public void print(PrintStream out) {
      out.printf("scaffold %s: %,d responses from %,d calls%n", scaffold, responses, calls);
      printCalls(out);
      out.println("  responses: " + path);
    }

    @Override
    public Map<String, GenerationReport> llmCalls() {
      return steps;
    }
  }

  private final String scaffold;
  private final Benchmark.Kind kind;
  private int runs = 1;
  private int limit;
  private final Map<String, PromptTemplate> templates = new LinkedHashMap<>();

  private Scaffold(SparkSession spark, String scaffold, Benchmark.Kind kind, String problems) {
    super(spark, problems, ScaffoldSettings.DEFAULTS);
    if (!NAMES.contains(scaffold) || scaffold.equals("direct")) {
      throw new IllegalArgumentException("no multi-call scaffold '" + scaffold + "'; they are " + NAMES.subList(1, NAMES.size()));
    }
    this.scaffold = scaffold;
    this.kind = kind;
  }

  public static Scaffold of(SparkSession spark, String scaffold, Benchmark.Kind kind, String problems) {
    return new Scaffold(spark, scaffold, kind, problems);
  }

  /**
   * How many times each problem is answered, and how many problems ({@code limit} > 0: the first
   * that many by id).
   */
  public Scaffold runs(int runs, int limit) {
    this.runs = runs;
    this.limit = limit;
    return this;
  }

  /**
   * The scaffold's own prompts by name (verify, refine, summarize, retry, aggregate); the
   * benchmark's generation prompt ({@code answer} or {@code proof}) is {@link #settings}' template.
   */
  public Scaffold templates(Map<String, PromptTemplate> templates) {
    this.templates.clear();
    this.templates.putAll(templates);
    return this;
  }

  @Override
  public String name() {
    return "scaffold";
  }

  @Override
  public List<String> outputs() {
    return List.of(RESPONSES, CALLS);
  }

  @Override
  protected Object settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("scaffold", scaffold);
    s.put("kind", kind);
    s.put("runs", runs);
    s.put("limit", limit);
    s.put("sizes", settings);
    s.put("model", role.answerIdentity());
    return s;
  }

  @Override
  protected Map<String, String> prompts() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(template.name(), template.sha256());
    templates.forEach((name, t) -> p.put(name, t.sha256()));
    return p;
  }

  @Override
  protected boolean isComplete(Result result) {
    return result.steps().values().stream().noneMatch(GenerationReport::leftWorkUndone);
  }

  /** Builds a prompt from a template, each placeholder filled from a column of the row. */
  private record ColumnPrompt(PromptTemplate template, Map<String, String> columns) implements PromptBuilder {
    @Override
    public Prompt build(Row row) {
      Map<String, String> values = new LinkedHashMap<>();
      columns.forEach((placeholder, column) -> {
        Object value = row.get(row.fieldIndex(column));
        values.put(placeholder, value == null ? "" : value.toString());
      });
      if (template.placeholders().contains("boundary")) {
        values.put("boundary", dev.qedspark.common.Hashes.sha256(values.getOrDefault("solution", "")).substring(0, 16));
      }
      return template.render(values);
    }
  }

  /** Reads the self-rating of a verification: the last box, 0, 0.5 or 1. */
  static final class SelfRating implements AnswerParser {
    private static final long serialVersionUID = 1L;

    @Override
    public StructType schema() {
      return new StructType().add("rating", DataTypes.DoubleType);
    }

    @Override
    public Object[] parse(Completion answer, Row input) throws Unreadable {
      String boxed = FinalAnswer.of(answer.proof());
      if (boxed == null) {
        throw new Unreadable("no \\boxed{} rating");
      }
      return switch (boxed.strip()) {
        case "1", "1.0" -> new Object[] {1.0};
        case "0.5", "1/2", "\\frac{1}{2}" -> new Object[] {0.5};
        case "0", "0.0" -> new Object[] {0.0};
        default -> throw new Unreadable("the rating must be 0, 0.5 or 1, not " + boxed);
      };
    }
  }

  /** The calls made so far: answers to close, reports, and every call's row. */
  private final class Calls implements AutoCloseable {
    final List<LlmMap.Answers> open = new ArrayList<>();
    final Map<String, GenerationReport> reports = new LinkedHashMap<>();
    final List<Dataset<Row>> rows = new ArrayList<>();

    Dataset<Row> ask(String step, Dataset<Row> input, PromptTemplate template, Map<String, String> columns, AnswerParser parser) {
      LlmMap map = Scaffold.this.ask(input, template, new ColumnPrompt(template, columns), step() + " " + step).keyedBy(KEYS).requestIndexFrom("request");
      if (parser != null) {
        map.parser(parser);
      }
      LlmMap.Answers answers = map.answer();
      open.add(answers);
      reports.put(step + " " + (reports.size() + 1), answers.report(answers.rows(), null));
      rows.add(answers.rows().selectExpr("problem_id", "run", "slot", "'" + step + "' AS step", "request", "status", "completion",
          "coalesce(prompt_tokens, 0L) AS prompt_tokens", "coalesce(completion_tokens, 0L) AS completion_tokens", "coalesce(cost, 0D) AS cost"));
      return answers.rows();
    }

    @Override
    public void close() {
      open.forEach(LlmMap.Answers::close);
    }
  }

  /** Every problem (the first {@code limit} by id, when set) once per run, with its task: the generation prompt's text. */
  private Dataset<Row> problemRuns(int slots) {
    Dataset<Row> rows = read(input).select("problem_id", "problem");
    if (limit > 0) {
      rows = rows.orderBy("problem_id").limit(limit);
    }
    PromptTemplate generation = template; // a local, so that the task does not serialize the stage
    StructType schema = rows.schema().add("task", DataTypes.StringType);
    Dataset<Row> withTask = rows.map((MapFunction<Row, Row>) r -> RowFactory.create(r.getString(0), r.getString(1),
        generation.render(Map.of("problem", r.getString(1))).messages().stream().map(m -> m.content()).collect(Collectors.joining("\n\n"))),
        Encoders.row(schema));
    return withTask.crossJoin(spark.range(runs).selectExpr("CAST(id AS INT) AS run")).crossJoin(spark.range(slots).selectExpr("CAST(id AS INT) AS slot"));
  }

  @Override
  protected Result run(Run run) {
    try (Calls calls = new Calls()) {
      Dataset<Row> answers = switch (scaffold) {
        case "self-verify" -> selfVerify(calls);
        case "reasoning-cache" -> reasoningCache(calls);
        default -> rsa(calls);
      };
      Dataset<Row> all = calls.rows.stream().reduce(Dataset::unionByName).orElseThrow();
      writeDataset(run, all, CALLS, "problem_id", "run", "step", "slot", "request");
      Dataset<Row> totals = read(run.path(CALLS)).groupBy("problem_id", "run").agg(expr("count(*)").as("calls"),
          expr("sum(prompt_tokens)").as("prompt_tokens"), expr("sum(completion_tokens)").as("completion_tokens"), expr("sum(cost)").as("cost"));
      Dataset<Row> responses = answers.selectExpr("problem_id", "run", "completion", "reasoning_content", "proof", "status", "model")
          .join(totals, new String[] {"problem_id", "run"})
          .selectExpr("problem_id", "run AS sample_index", "completion", "reasoning_content", "coalesce(proof, '') AS proof", "status",
              "prompt_tokens", "completion_tokens", "cost", "model", "calls");
      long written = writeDataset(run, responses, RESPONSES, "problem_id", "sample_index").rows();
      long callCount = job("count calls", () -> read(run.path(CALLS)).count());
      return new Result(scaffold, written, callCount, calls.reports, run.finalPath(RESPONSES));
    }
  }

  private Dataset<Row> reasoningCache(Calls calls) {
    Dataset<Row> answered = calls.ask("reason", problemRuns(1).withColumn("request", expr("run * 1000")), template, Map.of("problem", "problem"), null);
    for (int round = 2; round <= settings.rounds(); round++) {
      Dataset<Row> previous = answered.selectExpr("problem_id", "run", "slot", "problem", "task", "coalesce(completion, '') AS attempt_text",
          "run * 1000 + " + (round * 10 + 1) + " AS request");
      Dataset<Row> summaries = calls.ask("summarize", previous, templates.get("summarize"), Map.of("problem", "problem", "attempt", "attempt_text"), null);
      Dataset<Row> next = summaries.selectExpr("problem_id", "run", "slot", "problem", "task", "coalesce(nullif(proof, ''), completion, '') AS summary_text",
          "run * 1000 + " + (round * 10) + " AS request");
      answered = calls.ask("reason", next, templates.get("retry"), Map.of("task", "task", "summary", "summary_text"), null);
    }
    return answered;
  }

  private Dataset<Row> selfVerify(Calls calls) {
    int m = settings.verifications();
    Dataset<Row> current = calls.ask("candidate", problemRuns(settings.candidates()).withColumn("request", expr("run * 100000 + slot * 100")), template,
        Map.of("problem", "problem"), null).selectExpr("problem_id", "run", "slot", "problem", "task", "completion", "reasoning_content", "proof",
        "status", "model");
    Dataset<Row> rated = null;
    for (int round = 0; round <= settings.refinements(); round++) {
      Dataset<Row> checks = current.selectExpr("problem_id", "run", "slot AS candidate", "problem", "task", "coalesce(proof, '') AS solution_text")
          .crossJoin(spark.range(m).selectExpr("CAST(id AS INT) AS check"))
          .selectExpr("problem_id", "run", "candidate * 100 + check AS slot", "candidate", "problem", "solution_text",
              "run * 100000 + " + round * 10000 + " + candidate * 100 + check + 1 AS request");
      Dataset<Row> verdicts = calls.ask("verify", checks, templates.get("verify"), Map.of("problem", "problem", "solution", "solution_text"),
          new SelfRating());
      Dataset<Row> ratings = verdicts.groupBy("problem_id", "run", "candidate").agg(expr("avg(rating)").as("mean_rating"),
          expr("slice(transform(array_sort(collect_list(named_struct('r', coalesce(rating, 2D), 'c', coalesce(completion, '')))), x -> x.c), 1, 2)")
              .as("weakest"));
      Dataset<Row> roundRated = current.join(ratings.withColumnRenamed("candidate", "slot"), new String[] {"problem_id", "run", "slot"}, "left_outer")
          .withColumn("round", expr(String.valueOf(round)));
      rated = rated == null ? roundRated : rated.unionByName(roundRated);
      if (round < settings.refinements()) {
        Dataset<Row> refine = roundRated.selectExpr("problem_id", "run", "slot", "problem", "task", "coalesce(proof, '') AS solution_text",
            "array_join(weakest, '\n\n---\n\n') AS critiques_text", "run * 100000 + " + (round + 1) * 10000 + " + slot * 100 AS request");
        current = calls.ask("refine", refine, templates.get("refine"), Map.of("task", "task", "solution", "solution_text",
            "critiques", "critiques_text"), null).selectExpr("problem_id", "run", "slot", "problem", "task", "completion", "reasoning_content",
            "proof", "status", "model");
      }
    }
    return rated.selectExpr("*", "row_number() OVER (PARTITION BY problem_id, run ORDER BY mean_rating DESC NULLS LAST, round DESC, slot) AS pick")
        .where("pick = 1");
  }

  private Dataset<Row> rsa(Calls calls) {
    int population = settings.population();
    int group = settings.group();
    Dataset<Row> members = calls.ask("population", problemRuns(population).withColumn("request", expr("run * 100000 + slot")), template,
        Map.of("problem", "problem"), null);
    for (int round = 1; round <= settings.aggregations(); round++) {
      int t = round;
      Dataset<Row> grouped = members.groupBy("problem_id", "run", "problem", "task")
          .agg(expr("array_sort(collect_list(named_struct('slot', slot, 'text', coalesce(proof, ''))))").as("members"));
      StructType schema = new StructType().add("problem_id", DataTypes.StringType).add("run", DataTypes.IntegerType)
          .add("slot", DataTypes.IntegerType).add("problem", DataTypes.StringType).add("task", DataTypes.StringType)
          .add("solutions_text", DataTypes.StringType).add("request", DataTypes.IntegerType);
      Dataset<Row> merges = grouped.flatMap((FlatMapFunction<Row, Row>) g -> {
        List<Row> list = g.getList(4);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < population; i++) {
          SplittableRandom random = new SplittableRandom((g.getString(0) + "#" + g.getInt(1) + "#" + t + "#" + i).hashCode());
          List<Integer> order = new ArrayList<>();
          for (int j = 0; j < list.size(); j++) {
            order.add(j);
          }
          StringBuilder text = new StringBuilder();
          for (int pick = 0; pick < Math.min(group, list.size()); pick++) {
            int chosen = order.remove(random.nextInt(order.size()));
            text.append("Solution ").append(pick + 1).append(":\n").append(list.get(chosen).getString(1)).append("\n\n");
          }
          // Rows with their schema: Spark may hand these objects on as they are, to code that reads columns by name.
          out.add(new GenericRowWithSchema(new Object[] {g.getString(0), g.getInt(1), i, g.getString(2), g.getString(3), text.toString().strip(),
              g.getInt(1) * 100000 + t * 1000 + i}, schema));
        }
        return out.iterator();
      }, Encoders.row(schema));
      members = calls.ask("aggregate", merges, templates.get("aggregate"), Map.of("task", "task", "solutions", "solutions_text"), null);
    }
    if (kind == Benchmark.Kind.ANSWER) {
      Dataset<Row> withAnswer = members.selectExpr("*", "coalesce(proof, '') AS final_text");
      StructType schema = withAnswer.schema().add("final_answer", DataTypes.StringType);
      Dataset<Row> extracted = withAnswer.map((MapFunction<Row, Row>) r -> {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < r.length(); i++) {
          values.add(r.get(i));
        }
        String answer = FinalAnswer.of(r.getAs("final_text"));
        values.add(answer == null ? null : MathText.normalize(answer));
        return new GenericRowWithSchema(values.toArray(), schema);
      }, Encoders.row(schema));
      return extracted.selectExpr("*", "count(final_answer) OVER (PARTITION BY problem_id, run, final_answer) AS votes")
          .selectExpr("*", "row_number() OVER (PARTITION BY problem_id, run ORDER BY votes DESC, slot) AS pick").where("pick = 1");
    }
    return members.where("slot = 0");
  }
}
