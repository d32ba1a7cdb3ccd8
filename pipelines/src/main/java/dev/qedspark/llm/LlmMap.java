package dev.qedspark.llm;

import dev.qedspark.common.Status;
import dev.qedspark.io.HadoopConf;
import dev.qedspark.io.Run;
import dev.qedspark.spark.SparkJobs;
import dev.qedspark.stage.Stage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.sketch.BloomFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The one stage through which every LLM call goes: input rows in, a prompt per row, a model
 * (a role's endpoint and settings) answering, an optional parser reading the answers, and rows
 * out: the input columns, {@code sample_index}, the {@link Generation} columns and the parsed
 * columns. Every LLM stage of the pipeline (teacher proofs, judge grades, rollouts, benchmark
 * answers) is this stage with its own {@link PromptBuilder} and {@link AnswerParser}.
 *
 * <p>{@link #samples(int)} asks each row {@code k} times (seeds {@code seed + i}); a prompt that
 * sets {@code n} gets {@code n} choices per request; each choice is a row, with
 * {@code sample_index = request * n + choice}. The output is keyed by the input's key columns
 * and {@code sample_index}: composite keys stay columns.
 *
 * <p>Requests answered before (by any run, of any stage) come from the response cache; the others
 * are sent with {@code concurrency} in flight per partition, and each response is cached as it
 * arrives, so a killed run resumes without paying twice. Failed requests are rows with status
 * {@code error}; requests left when the budget runs out are rows with status {@code not_sent}.
 * Such a run is committed but marked incomplete, so the next run sends just those. With a
 * dry-run endpoint ({@link OpenEndpoint#isDryRun()}) nothing is sent: each request the cache
 * cannot answer gets a {@link #standIn(String)} answer carrying its estimated usage, and is
 * counted as sent, so the report says what a run would send and cost.
 *
 * <pre>{@code
 * LlmMap proofs = LlmMap.over(spark, "runs/x/problems", rows -> rows.select("problem_id", "problem"))
 *     .keyedBy("problem_id").prompt(template, new ProofPrompt(template)).role(stages.role("teacher"))
 *     .samples(4).named("generate");   // a stage: run it as a chain step
 * }</pre>
 */
public final class LlmMap extends Stage<LlmMap, GenerationReport> {
  private static final Logger LOG = LoggerFactory.getLogger(LlmMap.class);
  public static final String GENERATIONS = "generations";

  private Dataset<Row> rows;
  /** The dataset the rows are read from when they are first needed, and which of its rows and columns are asked. */
  private String source;
  private java.util.function.UnaryOperator<Dataset<Row>> view;
  private List<String> inputPaths = List.of();
  private List<String> keys = List.of();
  private String promptName;
  private String promptHash;
  private PromptBuilder prompt;
  private AnswerParser parser;
  private Role role;
  private int samples = 1;
  private int firstSample;
  private String requestIndexColumn;
  private String standIn;
  private String rowsDigest;

  private LlmMap(org.apache.spark.sql.SparkSession spark, Dataset<Row> rows) {
    super(spark);
    this.rows = rows;
  }

  /** An LLM map over {@code rows}; name the datasets they came from with {@link #inputs(List)}. */
  public static LlmMap over(Dataset<Row> rows) {
    return new LlmMap(rows.sparkSession(), rows);
  }

  /**
   * An LLM map over the rows of the dataset at {@code path} that {@code view} keeps (a filter, a
   * projection), read when they are first needed, with the stage's {@code datasets.*} settings
   * (checksums verified when asked). The dataset is the map's input.
   */
  public static LlmMap over(org.apache.spark.sql.SparkSession spark, String path, java.util.function.UnaryOperator<Dataset<Row>> view) {
    LlmMap map = new LlmMap(spark, null);
    map.source = path;
    map.view = view;
    map.inputPaths = List.of(path);
    return map;
  }

  /** The rows asked about. */
  private Dataset<Row> rows() {
    if (rows == null) {
      rows = view.apply(read(source));
    }
    return rows;
  }

  /**
   * The datasets the rows were read from, recorded with their digests. Whether the output is up
   * to date depends on the rows themselves (a digest of their content) either way; naming the
   * datasets also records where they came from.
   */
  public LlmMap inputs(List<String> paths) {
    this.inputPaths = List.copyOf(paths);
    return this;
  }

  /** The input columns that identify a row; the output is keyed by them and {@code sample_index}. */
  public LlmMap keyedBy(String... columns) {
    this.keys = List.of(columns);
    return this;
  }

  /** The prompt: {@code builder} renders {@code template}, whose name and hash are recorded (a changed template makes outputs stale). */
  public LlmMap prompt(PromptTemplate template, PromptBuilder builder) {
    return prompt(template.name(), template.sha256(), builder);
  }

  /**
   * A prompt that is not a {@link PromptTemplate} (a file's own messages, a benchmark's fixed question).
   *
   * @param name the prompt's name, recorded with its hash
   * @param sha256 the hash of what the builder sends besides the row: a change makes outputs stale
   */
  public LlmMap prompt(String name, String sha256, PromptBuilder builder) {
    this.promptName = name;
    this.promptHash = sha256;
    this.prompt = builder;
    return this;
  }

  public LlmMap parser(AnswerParser parser) {
    this.parser = parser;
    return this;
  }

  /** Who answers: the role's settings, endpoint and response cache. */
  public LlmMap role(Role role) {
    this.role = role;
    return this;
  }

  /** Requests per input row; each gets its own seed and cache key. */
  public LlmMap samples(int samples) {
    if (samples < 1) {
      throw new IllegalArgumentException("samples must be at least 1, not " + samples);
    }
    this.samples = samples;
    return this;
  }

  /**
   * The request index of the first sample (0 by default): a stage that asks again for rows whose
   * answer was unusable starts at the attempt number, so the new request has its own seed and
   * cache key.
   */
  public LlmMap firstSample(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("the first sample must be 0 or more, not " + index);
    }
    this.firstSample = index;
    return this;
  }

  /**
   * What a dry run puts in place of an answer it does not ask for: text the parser reads as a
   * usable answer, so that later steps see the rows a real run would give them (by default a
   * short reasoning and a proof naming its request).
   */
  public LlmMap standIn(String content) {
    this.standIn = Objects.requireNonNull(content);
    return this;
  }

  /**
   * Takes each row's request index (its seed offset, and part of its cache key) from the integer
   * column {@code column} instead of counting samples: for stages whose rows are already
   * distinct attempts (run r, round t of a scaffold), so that two rows with the same prompt are
   * still two requests. Asks each row once.
   */
  public LlmMap requestIndexFrom(String column) {
    this.requestIndexColumn = column;
    return this;
  }

  @Override
  public String name() {
    return "llm-map";
  }

  @Override
  public List<String> outputs() {
    return List.of(GENERATIONS);
  }

  @Override
  protected List<String> inputs() {
    return inputPaths;
  }

  @Override
  protected Object settings() {
    return answerSettings();
  }

  /** What the answers depend on: who answers, how they sample, what is asked and read. */
  public Map<String, Object> answerSettings() {
    Objects.requireNonNull(role, "role(role) is required");
    Map<String, Object> s = new LinkedHashMap<>(role.answerIdentity());
    s.put("samples", samples);
    s.put("first-sample", firstSample);
    s.put("request-index-from", requestIndexColumn);
    s.put("keys", keys);
    s.put("parser", parser == null ? null : parser.schema().json());
    return s;
  }

  @Override
  protected Map<String, String> prompts() {
    return promptName == null ? Map.of() : Map.of(promptName, promptHash);
  }

  @Override
  protected boolean isComplete(GenerationReport report) {
    return !report.leftWorkUndone();
  }

  /** Which rows are asked is part of what the answers depend on: a digest of their content. */
  @Override
  protected Map<String, String> inputDigests() {
    return Map.of("rows asked", rowsDigest());
  }

  /** The digest of the input rows' content, computed once. */
  private String rowsDigest() {
    if (rowsDigest == null) {
      rowsDigest = job("digest the input rows", () -> RowsDigest.of(rows()));
    }
    return rowsDigest;
  }

  @Override
  protected GenerationReport run(Run run) {
    return writeTo(run, GENERATIONS);
  }

  /** Runs the map and writes its rows as dataset {@code dataset} of {@code run}; for stages built on this one. */
  public GenerationReport writeTo(Run run, String dataset) {
    try (Answers answers = answer()) {
      List<String> keyColumns = new ArrayList<>(keys);
      keyColumns.add(Generations.SAMPLE_INDEX);
      writeDataset(run, answers.rows(), dataset, keyColumns.toArray(String[]::new));
      return answers.report(read(run.path(dataset)), run.finalPath(dataset));
    }
  }

  /**
   * The answered rows, persisted, before anything is written: for stages that derive their
   * outputs from the answers (a grade from a judge's answer). Close it to release them.
   *
   * @param rows the output rows: input columns, {@code sample_index}, generation and parsed columns
   * @param requests requests made of the input rows
   * @param cacheHits requests answered from the response cache
   * @param model the model that answered
   * @param tinyRandomModel whether that was the project's tiny random test model
   */
  public record Answers(Dataset<Row> rows, long requests, long cacheHits, long startedNanos, String model, boolean tinyRandomModel,
      List<Runnable> release)
      implements AutoCloseable {
    /** The run's counts, tokens and cost, from the rows as written at {@code path}. */
    public GenerationReport report(Dataset<Row> written, String path) {
      Row sums = SparkJobs.named(written.sparkSession(), "summarize " + path, () -> written.selectExpr(
          "count(*)",
          "count(DISTINCT CASE WHEN NOT cached AND attempts > 0 THEN cache_key END)",
          "count_if(status = " + Status.OK.sql() + ")", "count_if(status = " + Status.TRUNCATED.sql() + ")", "count_if(status = " + Status.ERROR.sql() + ")",
          "count_if(status = " + Status.NOT_SENT.sql() + ")",
          "coalesce(sum(CASE WHEN cached THEN 0 ELSE prompt_tokens END), 0)",
          "coalesce(sum(CASE WHEN cached THEN 0 ELSE completion_tokens END), 0)",
          "coalesce(sum(CASE WHEN cached THEN 0 ELSE cost END), 0)",
          List.of(written.columns()).contains(Generations.PARSE_ERROR) ? "count_if(" + Generations.PARSE_ERROR + " IS NOT NULL)" : "0L",
          "count_if(status = " + Status.ERROR.sql() + " AND NOT (" + Generation.PERMANENT_ERROR_SQL + "))").first());
      return new GenerationReport(requests, sums.getLong(0), cacheHits, sums.getLong(1), sums.getLong(2), sums.getLong(3),
          sums.getLong(4), sums.getLong(10), sums.getLong(5), sums.getLong(9), sums.getLong(6), sums.getLong(7), sums.getDouble(8),
          (System.nanoTime() - startedNanos) / 1e9, path, model, tinyRandomModel);
    }

    @Override
    public void close() {
      release.forEach(Runnable::run);
    }
  }

  /** Sends what the cache cannot answer and returns every row answered; see {@link Answers}. */
  public Answers answer() {
    Objects.requireNonNull(role, "role(role) is required");
    Objects.requireNonNull(prompt, "prompt(name, sha256, builder) is required");
    if (keys.isEmpty()) {
      throw new IllegalStateException("keyedBy(columns) is required: the output is keyed by them and sample_index");
    }
    for (String key : keys) {
      if (!List.of(rows().columns()).contains(key)) {
        throw new IllegalArgumentException("key column '" + key + "' is not among the input columns " + List.of(rows().columns()));
      }
    }
    StructType schema = Generations.schema(rows().schema(), parser);
    OpenEndpoint endpoint = role.endpoint();
    LlmSettings settings = role.settings();
    String model = endpoint.model();
    long started = System.nanoTime();
    String runId = UUID.randomUUID().toString();
    ResponseCache cache = new ResponseCache(role.cacheDir(), new HadoopConf(spark.sparkContext().hadoopConfiguration()));

    JavaRDD<PreparedRequest> prepared = prepare(model, endpoint.identity()).persist(StorageLevel.MEMORY_AND_DISK());
    JavaPairRDD<String, PreparedRequest> keyed = prepared.filter(p -> p.error() == null).mapToPair(p -> new Tuple2<>(p.cacheKey(), p));
    JavaPairRDD<String, Tuple2<PreparedRequest, org.apache.spark.api.java.Optional<ResponseCache.Location>>> looked = null;
    Dataset<Row> generations = null;
    boolean answered = false;
    try {
      long total = job("prepare requests", prepared::count);
      long rejected = job("count requests the prompt builder rejected", () -> prepared.filter(p -> p.error() != null).count());
      BloomFilter wanted = job("collect the request keys", () -> keyed.keys().aggregate(
          BloomFilter.create(Math.max(1, total - rejected), 0.01), (filter, key) -> {
            filter.putString(key);
            return filter;
          }, BloomFilter::mergeInPlace));
      looked = keyed.leftOuterJoin(cache.index(spark, wanted)).persist(StorageLevel.MEMORY_AND_DISK());
      JavaPairRDD<String, Tuple2<PreparedRequest, org.apache.spark.api.java.Optional<ResponseCache.Location>>> found = looked;
      long hits = job("look requests up in the response cache", () -> found.filter(t -> t._2()._2().isPresent()).count());
      long toSend = total - rejected - hits;
      LOG.info("{}: {} requests, {} answered from the response cache, {} {} {} ({}) as {}{}",
          step(), total, hits, toSend, endpoint.isDryRun() ? "would be sent (dry run) to" : "to send to", model, endpoint.identity(), role.name(),
          rejected > 0 ? ", " + rejected + " rejected by the prompt builder" : "");

      if (toSend > 0 && endpoint.isServer()) {
        java.util.OptionalLong context = endpoint.endpoint().maxModelLen(settings);
        if (context.isPresent()) {
          job("check " + toSend + " requests against the served context of " + context.getAsLong() + " tokens",
              () -> {
                ContextCheck.check(found.filter(t -> !t._2()._2().isPresent()).map(t -> t._2()._1()), context.getAsLong(), role,
                    endpoint.endpoint().baseUrl(), step());
                return null;
              });
        }
      }
      JavaRDD<Answer> failed = prepared.filter(p -> p.error() != null).map(p -> Answer.failed(p, Status.ERROR.id(), p.error(), 0));
      JavaRDD<Answer> cached = looked.filter(t -> t._2()._2().isPresent())
          .map(t -> new Tuple2<>(t._2()._1(), t._2()._2().get())).mapPartitions(new CachedAnswers(cache));
      JavaRDD<Answer> sent = send(looked.filter(t -> !t._2()._2().isPresent()).mapToPair(t -> new Tuple2<>(t._1(), t._2()._1())),
          toSend, runId, cache);

      java.util.Map<String, Price> prices = settings.prices();
      AnswerParser reader = parser;
      String template = promptHash;
      JavaRDD<Row> out = failed.union(cached).union(sent).flatMap(a -> Generations.rows(a, model, prices, reader, template).iterator());
      generations = spark.createDataFrame(out, schema).persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> all = generations;
      try (Progress progress = Progress.start(spark, RunLedger.of(runId, settings.budget(), settings.rateLimitPerSecond()),
          total, hits, settings.progressSeconds(), step())) {
        job((endpoint.isDryRun() ? "count " + toSend + " requests a run would send to " : "send " + toSend + " requests to ")
            + model + " (" + role.name() + ")", all::count);
      }
      JavaPairRDD<String, Tuple2<PreparedRequest, org.apache.spark.api.java.Optional<ResponseCache.Location>>> joined = looked;
      answered = true;
      return new Answers(generations, total, hits, started, model, endpoint.isTinyRandomModel(),
          List.of(all::unpersist, joined::unpersist, prepared::unpersist, () -> RunLedger.release(runId)));
    } finally {
      if (!answered) {
        if (generations != null) {
          generations.unpersist();
        }
        if (looked != null) {
          looked.unpersist();
        }
        prepared.unpersist();
        RunLedger.release(runId);
      }
    }
  }


  /**
   * Answers for the requests the cache could not answer: sent by {@link PartitionSender}, or, in
   * a dry run, given stand-in answers that carry their estimated usage.
   */
  private JavaRDD<Answer> send(JavaPairRDD<String, PreparedRequest> misses, long toSend, String runId, ResponseCache cache) {
    OpenEndpoint endpoint = role.endpoint();
    LlmSettings settings = role.settings();
    String model = endpoint.model();
    if (endpoint.isDryRun()) {
      String content = standIn;
      return misses.values().map(p -> StandInAnswers.of(p, model, content));
    }
    if (toSend == 0) {
      return JavaSparkContext.fromSparkContext(spark.sparkContext()).emptyRDD();
    }
    Endpoint target = endpoint.endpoint();
    int partitions = Math.max(1, spark.sparkContext().defaultParallelism());
    int executors = spark.sparkContext().isLocal() ? 1 : Math.max(1, spark.sparkContext().getExecutorMemoryStatus().size() - 1);
    PartitionSender sender = new PartitionSender(runId, target, settings.apiKey(), settings,
        new BudgetSettings(settings.budget().maxTokens() / executors, settings.budget().maxCost() / executors),
        settings.rateLimitPerSecond() / executors, cache);
    // Partitioned by the hash of the cache key, so a request lands in the same task whenever
    // Spark runs that task again, and the retry finds what its earlier attempt stored.
    return misses.partitionBy(new HashPartitioner(partitions)).values().mapPartitions(sender);
  }

  /** Bodies and cache keys for every row and sample, on the executors; a bad row becomes an error. */
  private JavaRDD<PreparedRequest> prepare(String model, String identity) {
    LlmSettings s = role.settings();
    PromptBuilder builder = prompt;
    String indexColumn = requestIndexColumn;
    if (indexColumn != null && samples != 1) {
      throw new IllegalStateException("requestIndexFrom asks each row once: leave samples at 1");
    }
    int k = samples;
    int first = firstSample;
    return rows().javaRDD().flatMap(row -> {
      List<PreparedRequest> requests = new ArrayList<>(k);
      int start = indexColumn == null ? first : row.getInt(row.fieldIndex(indexColumn));
      for (int sample = start; sample < start + k; sample++) {
        try {
          Prompt p = builder.build(row);
          var body = RequestBodies.body(s, model, p.messages(), sample, p.body());
          int choices = Math.max(1, body.path("n").asInt(1));
          requests.add(new PreparedRequest(row, sample, choices, RequestBodies.cacheKey(identity, body, sample),
              body.toString(), null));
        } catch (IllegalArgumentException e) {
          requests.add(new PreparedRequest(row, sample, 1, null, null, "bad request: " + e.getMessage()));
        }
      }
      return requests.iterator();
    });
  }


}
