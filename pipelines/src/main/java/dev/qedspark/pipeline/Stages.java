package dev.qedspark.pipeline;

import dev.qedspark.common.ConfigException;
import dev.qedspark.common.ProjectPaths;
import dev.qedspark.common.QedException;
import dev.qedspark.config.QedConfig;
import dev.qedspark.curation.Curate;
import dev.qedspark.curation.Filter;
import dev.qedspark.curation.FilterPrompt;
import dev.qedspark.curation.FilterSettings;
import dev.qedspark.curation.Pick;
import dev.qedspark.curation.RubricPrompt;
import dev.qedspark.curation.RubricSettings;
import dev.qedspark.curation.Rubrics;
import dev.qedspark.eval.AnswerJudge;
import dev.qedspark.eval.Benchmark;
import dev.qedspark.eval.Calibrate;
import dev.qedspark.eval.Evaluate;
import dev.qedspark.eval.ResponsesFile;
import dev.qedspark.eval.Scaffold;
import dev.qedspark.grading.Grade;
import dev.qedspark.grading.GradingSettings;
import dev.qedspark.grading.JudgePrompt;
import dev.qedspark.grading.JudgeProtocol;
import dev.qedspark.ingest.Ingest;
import dev.qedspark.ingest.SourceCatalog;
import dev.qedspark.ingest.SourceSpec;
import dev.qedspark.io.DatasetSettings;
import dev.qedspark.llm.Endpoints;
import dev.qedspark.llm.LlmMap;
import dev.qedspark.llm.PromptTemplate;
import dev.qedspark.llm.Role;
import dev.qedspark.llm.batch.Infer;
import dev.qedspark.proofs.ProofPrompt;
import dev.qedspark.rl.RlDataset;
import dev.qedspark.rl.RlSettings;
import dev.qedspark.sft.SftDataset;
import dev.qedspark.train.Launch;
import dev.qedspark.train.ShardSettings;
import dev.qedspark.train.TrainSettings;
import dev.qedspark.train.TrainingShards;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one way in to the pipeline's stages: made once per job from the Spark session and the
 * configuration, it resolves paths (the response cache, the engine's scratch folder) once, holds
 * the roles' endpoints open ({@link #role}), and hands out stages with their own settings
 * applied; the {@link Chain} that runs them sets their folders and the {@code datasets.*}
 * settings.
 *
 * <pre>{@code
 * try (Stages stages = Stages.with(spark, config)) {
 *   Chain.of(stages, Chain.step("ingest", "runs/x/ingest").builds(in -> stages.ingest(sources)))
 *       .run(false, starting -> {}, done -> done.result().print(System.out));
 * }
 * }</pre>
 */
public final class Stages implements AutoCloseable {
  private final SparkSession spark;
  private final QedConfig config;
  private final Endpoints endpoints;
  /** The role that writes proofs. */
  private static final String TEACHER = "teacher";

  private Stages(SparkSession spark, QedConfig config, boolean dryRun) {
    this.spark = spark;
    this.config = config;
    this.endpoints = new Endpoints(spark, config.llm(), Path.of(ProjectPaths.resolve(config.llm().cacheDir())).resolve("engine"), dryRun);
  }

  public static Stages with(SparkSession spark, QedConfig config) {
    return new Stages(spark, config, false);
  }

  /**
   * Stages whose LLM calls send nothing: answers come from the response cache, and every request
   * the cache cannot answer is counted (with its estimated tokens and cost) and given a stand-in
   * answer, so that later steps see rows to work on. For {@link DatasetsChain#dryRun}.
   */
  public static Stages dryRun(SparkSession spark, QedConfig config) {
    return new Stages(spark, config, true);
  }

  public SparkSession spark() {
    return spark;
  }

  /** The sources of the catalog named by {@code ingest.sources}. */
  public List<SourceSpec> catalog() {
    return SourceCatalog.load(spark.sparkContext().hadoopConfiguration(), ProjectPaths.resolve(config.ingest().sources()));
  }

  public Ingest ingest(List<SourceSpec> sources) {
    return Ingest.of(spark, sources).maxTextChars(config.ingest().maxTextChars());
  }

  /** Curates the problems dataset at {@code problems}, against its benchmark rows and {@code benchmarkFiles}. */
  public Curate curate(String problems, List<String> benchmarkFiles) {
    return Curate.read(spark, problems, config.datasets().verifyChecksums()).benchmarkFiles(benchmarkFiles)
        .settings(config.curate());
  }

  /**
   * The benchmark sources of the catalog, when curating {@code problems} needs them as its
   * reference: the problems hold no benchmark rows and no benchmark file was given. Empty
   * otherwise. Decontaminating against nothing is never what a user means by default.
   */
  public List<SourceSpec> defaultBenchmarks(Curate curate, List<String> benchmarkFiles) {
    if (!benchmarkFiles.isEmpty() || curate.hasBenchmarkRows()) {
      return List.of();
    }
    try {
      return catalog().stream().filter(SourceSpec::benchmark).toList();
    } catch (QedException e) {
      throw new ConfigException("the problems hold no benchmark rows, and the catalog's benchmarks cannot be read to use instead ("
          + e.getMessage() + "): name benchmark files with --benchmark, or curate without with --no-default-benchmarks", e);
    }
  }

  /** A few problems of the problems dataset at {@code problems}: add conditions with {@link Pick#take}. */
  public Pick pick(String problems) {
    return Pick.of(spark, problems);
  }

  /** A role as one value: settings ({@code llm.roles.NAME} over {@code llm.*}), endpoint and response cache. */
  public Role role(String name) {
    return endpoints.role(name);
  }

  /**
   * Grades the proofs in the dataset at {@code proofs} with the configured protocol and judges;
   * {@code problems}, when not null, supplies references the proofs lack (by problem_id).
   */
  public Grade grade(String proofs, String problems) {
    GradingSettings grading = config.grading();
    JudgeProtocol protocol = JudgeProtocol.named(grading.protocol());
    return Grade.reading(spark, proofs, problems).settings(grading, prompt(protocol.prompt(), JudgePrompt.PLACEHOLDERS)).judges(judges());
  }

  /**
   * Teacher proofs: {@code samples} per problem of the problems dataset at {@code problems}
   * (those that pass {@code where}, a Spark SQL condition, when given), by the {@code teacher}
   * role with the {@code proof} prompt. The rows keep {@code problem_id} and {@code problem}.
   */
  public LlmMap generate(String problems, String where, int samples) {
    ProofPrompt prompt = new ProofPrompt(prompt(ProofPrompt.NAME, ProofPrompt.PLACEHOLDERS));
    return LlmMap.over(spark, problems, rows -> (where == null || where.isBlank() ? rows : rows.where(where)).select("problem_id", "problem"))
        .role(role(TEACHER)).keyedBy("problem_id").prompt(prompt.template(), prompt).samples(samples).named("generate");
  }

  /** The LLM filter over the problems at {@code problems}: tags, then the configured rules. */
  public Filter filter(String problems) {
    FilterSettings settings = config.filter();
    return Filter.of(spark, problems).settings(settings, prompt(FilterPrompt.NAME, FilterPrompt.PLACEHOLDERS)).role(role(settings.role()));
  }

  /** Marking schemes for the problems at {@code problems} that have a solution and no rubric. */
  public Rubrics rubrics(String problems) {
    RubricSettings settings = config.rubrics();
    return Rubrics.of(spark, problems).settings(settings, prompt(RubricPrompt.NAME, RubricPrompt.PLACEHOLDERS)).role(role(settings.role()));
  }

  /**
   * FineProofs-RL from the problems with rubrics at {@code problems}: rollouts by the
   * {@code rl.role} role, graded with the rubric protocol by the configured judges.
   */
  public RlDataset rl(String problems) {
    RlSettings settings = config.rl();
    return RlDataset.of(spark, problems).settings(settings, prompt(ProofPrompt.NAME, ProofPrompt.PLACEHOLDERS))
        .role(role(settings.role())).grading(config.grading(), prompt(JudgeProtocol.RUBRIC.prompt(), JudgePrompt.PLACEHOLDERS), judges());
  }

  /** The shards.* settings, for a caller that changes some of them. */
  public ShardSettings shardSettings() {
    return config.shards();
  }

  /** The train.* settings. */
  public TrainSettings trainSettings() {
    return config.train();
  }

  /** A distributed trainer launch on {@code shardsFolder} (./qed shards' output), with train.* settings and {@code ranks} ranks. */
  public Launch train(String shardsFolder, String command, int ranks) {
    return Launch.of(spark, shardsFolder, command, config.train().withRanks(ranks));
  }

  /** Training shards of an SFT dataset (packed, messages) or RL tasks (rl), with shards.* settings. */
  public TrainingShards shards(String input, String format, ShardSettings settings) {
    return TrainingShards.of(spark, input, format, settings);
  }

  /**
   * FineProofs-SFT from the teacher proofs at {@code proofs}, the outputs of a grade step in
   * {@code graded} ({@code grades} and {@code scores}) and the problems dataset at {@code problems};
   * with {@code rl} (an RL step's folder, or null) the policy-reward column too.
   */
  public SftDataset sft(String proofs, String graded, String problems, String rl) {
    SftDataset sft = SftDataset.of(spark, proofs, graded + "/" + Grade.GRADES, graded + "/" + Grade.SCORES, problems).settings(config.sft());
    return rl == null ? sft : sft.rewards(rl);
  }

  /**
   * Scores the responses at {@code responses} to {@code benchmark}, whose problems are at
   * {@code problems}: answers checked (the judges decide what the symbolic check cannot),
   * proofs graded by the judges with the benchmark's protocol. {@code model} is the role that
   * made the responses, for the record; null for a file of responses.
   */
  public Evaluate evaluate(Benchmark benchmark, String problems, String responses, Role model) {
    PromptTemplate grade = benchmark.protocol() == null ? null : prompt(benchmark.protocol().prompt(), JudgePrompt.PLACEHOLDERS);
    return Evaluate.of(spark, benchmark, problems, responses)
        .settings(config.eval(), config.grading(), grade, prompt(AnswerJudge.NAME, AnswerJudge.PLACEHOLDERS))
        .judges(judges()).model(model);
  }

  /**
   * The judges ({@code grading.judges}) grading the human-graded proofs in {@code file} with
   * {@code protocol}, compared with the human grades; against binary labels a proof the judge
   * scores at {@code eval.pass-score} or more counts as correct.
   */
  public Calibrate calibrate(String file, JudgeProtocol protocol) {
    return Calibrate.of(spark, file).settings(protocol, config.grading(), prompt(protocol.prompt(), JudgePrompt.PLACEHOLDERS),
        config.eval().passScore()).judges(judges());
  }

  /**
   * The model under test ({@code eval.role}) answering through a test-time scaffold
   * ({@code self-verify}, {@code reasoning-cache}, {@code rsa}; sizes in {@code eval.scaffold}).
   */
  public Scaffold scaffold(String name, Benchmark benchmark, String problems, int runs, int limit) {
    String role = config.eval().role();
    PromptTemplate base = prompt(benchmark.kind() == Benchmark.Kind.ANSWER ? "answer" : ProofPrompt.NAME, ProofPrompt.PLACEHOLDERS);
    Map<String, PromptTemplate> templates = new java.util.LinkedHashMap<>();
    templates.put("verify", prompt("verify", List.of("problem", "solution", "boundary")));
    templates.put("refine", prompt("refine", List.of("task", "solution", "critiques")));
    templates.put("summarize", prompt("summarize", List.of("problem", "attempt")));
    templates.put("retry", prompt("retry", List.of("task", "summary")));
    templates.put("aggregate", prompt("aggregate", List.of("task", "solutions")));
    return Scaffold.of(spark, name, benchmark.kind(), problems).settings(config.eval().scaffold(), base).templates(templates).runs(runs, limit)
        .role(role(role));
  }

  /** The role of the model under test ({@code eval.role}). */
  public String evalRole() {
    return config.eval().role();
  }

  /**
   * Responses in a file, read for grading against the benchmark problems at {@code problems};
   * responses to a problem in {@code quarantine} (the benchmark's ingest quarantine) are left out and counted.
   */
  public ResponsesFile responsesFile(String file, String problems, String quarantine) {
    return ResponsesFile.of(spark, file, problems, quarantine);
  }

  /**
   * The model under test ({@code eval.role}) answering a benchmark's problems ({@code limit} > 0:
   * the first that many by id), {@code runs} times each: the {@code answer} prompt for answer
   * benchmarks, {@code proof} for proof benchmarks.
   */
  public LlmMap respond(Benchmark benchmark, String problems, int runs, int limit) {
    String name = benchmark.kind() == Benchmark.Kind.ANSWER ? "answer" : ProofPrompt.NAME;
    ProofPrompt prompt = new ProofPrompt(prompt(name, ProofPrompt.PLACEHOLDERS));
    return LlmMap.over(spark, problems, rows -> limit > 0 ? rows.select("problem_id", "problem").orderBy("problem_id").limit(limit)
            : rows.select("problem_id", "problem"))
        .role(role(config.eval().role())).keyedBy("problem_id").prompt(prompt.template(), prompt).samples(runs).named("respond");
  }

  /** The judges of {@code grading.judges}: each its own role, with its own settings, endpoint and cache. */
  private List<Role> judges() {
    return config.grading().judges().stream().map(this::role).toList();
  }

  /** A prompt template: the file in {@code prompts.NAME} when configured, else the bundled one. */
  public PromptTemplate prompt(String name, List<String> placeholders) {
    Map<String, String> files = new HashMap<>();
    config.prompts().forEach((key, path) -> files.put(key, ProjectPaths.resolve(path)));
    return PromptTemplate.load(name, files, placeholders);
  }

  /** A Batch API file answered by {@code role}. */
  public Infer infer(String file, String role) {
    return Infer.of(spark, file).role(role(role));
  }

  /** How datasets are written and read ({@code datasets.*}): the chain applies them to every stage it runs. */
  public DatasetSettings datasetSettings() {
    return config.datasets();
  }

  @Override
  public void close() {
    endpoints.close();
  }
}
