package dev.qedspark.jobs;

import static org.apache.spark.sql.functions.col;

import dev.qedspark.config.QedConfig;
import dev.qedspark.curation.CurateReport;
import dev.qedspark.curation.FilterReport;
import dev.qedspark.curation.Pick;
import dev.qedspark.curation.RubricsReport;
import dev.qedspark.grading.GradeReport;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.pipeline.Chain;
import dev.qedspark.pipeline.DemoChain;
import dev.qedspark.rl.RlReport;
import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ./qed demo}: the demo chain ({@link DemoChain}) on the embedded defaults and the bundled
 * data, printing what each step did or why it was skipped.
 */
final class DemoJob implements Command {

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "Run the whole pipeline on the bundled data with the embedded defaults";
  }

  @Override
  public String description() {
    return """
        Runs the demo chain on one machine (Spark local[*]) over the bundled benchmarks and
        corpora in data/, and prints what each step did and a sample of what it wrote:
          1. ingest     sources in conf/sources.yaml -> OUT/ingest/{problems,quarantine,report.json}
          2. curate     benchmark decontamination, exact and near duplicates -> OUT/curate
          3. pick       a few curated problems (the first by id), half with a rubric of their
                        own, half with only a reference solution -> OUT/pick/problems
          4. filter     the judge role tags each problem; the rules keep or drop it -> OUT/filter
          5. rubrics    the teacher writes marking schemes where a problem has none -> OUT/rubrics
          6. generate   teacher proofs -> OUT/generate/generations
          7. grade      the judge grades them (grading.protocol, rubric by default) -> OUT/grade
          8. rl         policy rollouts (--rollouts), graded by the judge -> OUT/rl/{all,learnable,tasks}
          9. sft        FineProofs-SFT from the proofs, grades and rewards -> OUT/sft/{all,default}
         10. benchmark  IMO-AnswerBench's problems -> OUT/eval/benchmark
         11. responses  the model role answers the first three -> OUT/eval/responses
         12. eval       answers checked, metrics, OUT/eval/{samples,summary.json,report.html}
         13. shards     the SFT set chat-templated, tokenized (Qwen3), packed into 2 shards with
                        token files -> OUT/shards/{packed,rejected,tokens-0000N.bin}
         14. train      2 ranks launched as a Spark barrier stage; each checks its rendezvous
                        variables and reads its shard (docker/trainer/check_shard.py) -> OUT/train
        Steps 4 to 9 are ./qed datasets, steps 10 to 12 ./qed eval, 13 ./qed shards, 14 ./qed train. A step whose outputs are up to date (same settings,
        prompts and input content as its last run, outputs unchanged) is skipped, so a second
        run does nothing; --force runs all.
        The LLM steps use llm.roles.{teacher,judge,policy} (else llm.*): with no endpoint that is
        the embedded engine, and with no llm.engine.model-file the tiny random test model. Its
        text is meaningless, so the filter's tags are unreadable (kept, marked: keep-unreadable
        is on), its rubrics break the rules (the problem keeps none), and its judgements hold
        no verdict: they are shown as parse errors, never as 0. The steps show the machinery
        (prompts, cache, accounting, statuses). So the demo asks for at most 512 tokens per
        answer (llm.max-tokens, 2048 elsewhere): the random text is as telling at that length
        and its four LLM steps take less than half the time. With a real model, raise it with --set
        llm.max-tokens=N or a --conf file.""";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("out", "DIR", "output folder (default: runs/demo)"),
        OptionSpec.value("problems", "N", "curated problems to run the FineProofs chain on (default 3)"),
        OptionSpec.value("samples", "N", "teacher proofs per problem (default 2)"),
        OptionSpec.value("rollouts", "N", "policy rollouts per problem; sets rl.rollouts (default 2)"),
        OptionSpec.value("train-command", "CMD", "what each of the 2 trainer ranks runs (default: docker/trainer/check_shard.py,"
            + " which reads the rank's shard; e.g. 'python3 docker/trainer/train.py' with PyTorch)"),
        OptionSpec.flag("force", "run every step, even those that are up to date"));
  }

  @Override
  public List<String> configDefaults() {
    return List.of("llm.max-tokens=512");
  }

  @Override
  public List<String> configOverrides(Arguments args) {
    return List.of("rl.rollouts=" + Arguments.positive(args, "rollouts", 2));
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) throws Exception {
    String root = args.value("out", "runs/demo");
    int problems = Arguments.positive(args, "problems", 3);
    int samples = Arguments.positive(args, "samples", 2);
    return Chains.withStages(config, false, stages -> {
      SparkSession spark = stages.spark();
      out.println("qed demo: the pipeline on the embedded defaults (Spark " + spark.sparkContext().master() + "), output in " + root);
      Chain chain = DemoChain.of(stages, stages.catalog(), root, problems, samples, args.value("train-command", DemoChain.TRAIN_COMMAND), out);
      List<Chain.Outcome> outcomes = Chains.run(chain, args.has("force"), out, step -> printSample(
          path -> DatasetReader.read(spark, path, stages.datasetSettings().verifyChecksums()), step.result(), out));
      DemoChain.writeTimings(spark, root, outcomes);
      out.println();
      out.println("done. Read the datasets with any Parquet reader, e.g. DuckDB:");
      out.println("  SELECT source, count(*) FROM '" + root + "/ingest/problems/*.parquet' GROUP BY source;");
      out.println("  SELECT problem, scores, reward_mean FROM '" + root + "/rl/all/*.parquet';");
      out.println("and open the evaluation's report in a browser: " + root + "/eval/report.html");
      return 0;
    });
  }

  /** A glimpse of what a step wrote. */
  private static void printSample(Function<String, Dataset<Row>> read, StageResult result, PrintStream out) {
    if (result instanceof CurateReport curate) {
      printRemovedExamples(read, curate, out);
    } else if (result instanceof Pick.Result pick) {
      read.apply(pick.path()).orderBy("problem_id").collectAsList().forEach(r -> out.printf("    %s%s: %s%n",
          r.getAs("problem_id"), r.isNullAt(r.fieldIndex("rubric")) ? "" : " (rubric given)", clip(r.getAs("problem"))));
    } else if (result instanceof FilterReport filter) {
      printFirst(read, filter.tagging().path(), "tags of", "status", "error", out);
    } else if (result instanceof RubricsReport rubrics) {
      printFirst(read, rubrics.rubricsPath(), "scheme for", "status", "error", out);
    } else if (result instanceof GenerationReport generated) {
      printFirst(read, generated.path(), "first proof of", "status", "completion", out);
    } else if (result instanceof GradeReport graded) {
      printFirst(read, graded.gradesPath(), "grade of", "status", "error", out);
    } else if (result instanceof RlReport rl) {
      read.apply(rl.allPath()).orderBy("problem_id").collectAsList().forEach(r -> out.printf("    %s: scores %s of %d rollouts (%d unscored), mean reward %s%n",
          r.getAs("problem_id"), r.getList(r.fieldIndex("scores")), r.<Long>getAs("rollouts"), r.<Long>getAs("unscored"),
          r.isNullAt(r.fieldIndex("reward_mean")) ? "none" : String.format("%.2f", r.<Double>getAs("reward_mean"))));
    }
  }

  /** The first row (by problem) of a dataset: its status and one text column, clipped. */
  private static void printFirst(Function<String, Dataset<Row>> read, String path, String what, String status, String text, PrintStream out) {
    Dataset<Row> rows = read.apply(path);
    String key = List.of(rows.columns()).contains("problem_id") ? "problem_id" : rows.columns()[0];
    List<Row> first = rows.orderBy(key).limit(1).collectAsList();
    if (!first.isEmpty()) {
      Row r = first.get(0);
      out.printf("  %s %s: %s, %s%n", what, r.getAs(key), r.getAs(status), clip(r.getAs(text)));
    }
  }

  private static String clip(Object text) {
    String s = String.valueOf(text).replaceAll("\\s+", " ");
    return s.length() > 160 ? s.substring(0, 160) + " ..." : s;
  }

  private static void printRemovedExamples(Function<String, Dataset<Row>> read, CurateReport curated, PrintStream out) {
    out.println("  for example:");
    for (Row r : read.apply(curated.removedPath()).orderBy(col("reason"), col("similarity").desc(), col("problem_id"))
        .dropDuplicates("reason").orderBy("reason").collectAsList()) {
      out.printf("    %-16s %s  ~  %s (%s)%n", r.getAs("reason"), r.getAs("problem_id"), r.getAs("matched_id"),
          r.isNullAt(r.fieldIndex("shared_ngrams")) ? String.format("Jaccard %.2f", r.<Double>getAs("similarity"))
              : r.getAs("shared_ngrams") + " shared 13-grams");
    }
  }
}
