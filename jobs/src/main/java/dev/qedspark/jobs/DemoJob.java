package dev.qedspark.jobs;

import static org.apache.spark.sql.functions.col;

import dev.qedspark.config.QedConfig;
import dev.qedspark.curation.CurateReport;
import dev.qedspark.grading.GradeReport;
import dev.qedspark.sft.SftReport;
import dev.qedspark.ingest.IngestReport;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.pipeline.Chain;
import dev.qedspark.pipeline.DemoChain;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.spark.SparkSessions;
import java.io.PrintStream;
import java.util.List;
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
        corpora in data/, and prints what each step did. Steps today:
          1. ingest     sources in conf/sources.yaml -> OUT/ingest/{problems,quarantine,report.json}
          2. curate     benchmark decontamination, exact and near duplicates -> OUT/curate
          3. generate   proofs for a few IMO-ProofBench problems by the teacher role -> OUT/generate
          4. grade      the judge role grades them (grading.protocol, rubric by default) -> OUT/grade
          5. sft        FineProofs-SFT from the proofs and grades -> OUT/sft/{all,default}
        A step whose outputs are up to date (same settings, prompts and input content as its
        last run, outputs unchanged) is skipped, so a second run does nothing; --force runs all.
        Steps 3 and 4 use llm.roles.teacher and llm.roles.judge (else llm.*): with no endpoint
        that is the embedded engine, and with no llm.engine.model-file the tiny random test
        model, so the proofs are meaningless text and the judge's answers hold no verdict (they
        are shown as parse errors, never as 0); the steps show the machinery (prompts, cache,
        accounting, statuses).""";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("out", "DIR", "output folder (default: runs/demo)"),
        OptionSpec.value("problems", "N", "IMO-ProofBench problems to generate proofs for (default 3)"),
        OptionSpec.value("samples", "N", "proofs per problem (default 2)"),
        OptionSpec.flag("force", "run every step, even those that are up to date"));
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) {
    String root = args.value("out", "runs/demo");
    int problems = Arguments.positive(args, "problems", 3);
    int samples = Arguments.positive(args, "samples", 2);
    SparkSession spark = SparkSessions.create(config.spark());
    try (Stages stages = Stages.with(spark, config)) {
      out.println("qed demo: the pipeline on the embedded defaults (Spark " + spark.sparkContext().master() + "), output in " + root);
      Chain chain = DemoChain.of(stages, stages.catalog(), root, problems, samples);
      chain.run(args.has("force"), step -> Summaries.printStep(step, out), step -> {
        if (step.result() instanceof IngestReport ingest) {
          Summaries.printIngest(ingest, out);
        } else if (step.result() instanceof CurateReport curate) {
          Summaries.printCurate(curate, out);
          printRemovedExamples(spark, curate, out);
        } else if (step.result() instanceof SftReport sft) {
          Summaries.printSft(sft, out);
        } else if (step.result() instanceof GradeReport graded) {
          Summaries.printGrade(graded, out);
        } else if (step.result() instanceof GenerationReport generated) {
          Summaries.printGeneration(generated, stages.endpoint(Stages.TEACHER), out);
          printFirstProof(spark, generated, out);
        }
      });
      out.println();
      out.println("done. Read the datasets with any Parquet reader, e.g. DuckDB:");
      out.println("  SELECT source, count(*) FROM '" + root + "/ingest/problems/*.parquet' GROUP BY source;");
      return 0;
    } finally {
      spark.stop();
    }
  }

  private static void printRemovedExamples(SparkSession spark, CurateReport curated, PrintStream out) {
    out.println("  for example:");
    for (Row r : DatasetReader.read(spark, curated.removedPath()).orderBy(col("reason"), col("similarity").desc(), col("problem_id"))
        .dropDuplicates("reason").orderBy("reason").collectAsList()) {
      out.printf("    %-16s %s  ~  %s (%s)%n", r.getAs("reason"), r.getAs("problem_id"), r.getAs("matched_id"),
          r.isNullAt(r.fieldIndex("shared_ngrams")) ? String.format("Jaccard %.2f", r.<Double>getAs("similarity"))
              : r.getAs("shared_ngrams") + " shared 13-grams");
    }
  }

  private static void printFirstProof(SparkSession spark, GenerationReport generated, PrintStream out) {
    Row first = DatasetReader.read(spark, generated.path()).orderBy("problem_id", "sample_index").first();
    String text = String.valueOf(first.<String>getAs("completion"));
    out.println("  first proof of " + first.getAs("problem_id") + ": "
        + text.substring(0, Math.min(160, text.length())).replaceAll("\\s+", " ") + (text.length() > 160 ? " ..." : ""));
  }
}
