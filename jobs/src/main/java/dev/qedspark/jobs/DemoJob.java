package dev.qedspark.jobs;

import dev.qedspark.config.QedConfig;
import dev.qedspark.ingest.IngestReport;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import static org.apache.spark.sql.functions.col;

import dev.qedspark.curation.CurateReport;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.jobs.cli.UsageException;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.OpenEndpoint;
import dev.qedspark.llm.ProofRequests;
import dev.qedspark.spark.SparkSessions;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ./qed demo}: every stage that exists, run on the embedded defaults and the bundled
 * data, so one command shows the whole pipeline. Each new stage adds its step here.
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
        Runs every stage on one machine (Spark local[*]) over the bundled benchmarks and
        corpora in data/, and prints what each stage did. Steps today:
          1. ingest     sources in conf/sources.yaml -> OUT/ingest/{problems,quarantine,report.json}
          2. curate     benchmark decontamination, exact and near duplicates -> OUT/curate
          3. generate   proofs for a few IMO-ProofBench problems -> OUT/generate (Parquet generations)
        Step 3 uses llm.endpoint when set, else the embedded engine: with no llm.engine.model-file
        that is the tiny random test model, so the proofs are meaningless text; the step shows
        the machinery (prompts, cache, accounting), not a model.""";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("out", "DIR", "output folder (default: runs/demo)"),
        OptionSpec.value("problems", "N", "IMO-ProofBench problems to generate proofs for (default 3)"),
        OptionSpec.value("samples", "N", "proofs per problem (default 2)"));
  }

  private static int positive(Arguments args, String option, int fallback) {
    try {
      int value = Integer.parseInt(args.value(option, String.valueOf(fallback)));
      if (value < 1) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + option + " needs a positive whole number, not '" + args.value(option) + "'");
    }
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) {
    String root = args.value("out", "runs/demo");
    SparkSession spark = SparkSessions.create(config.spark());
    try {
      out.println("qed demo: the pipeline on the embedded defaults (Spark " + spark.sparkContext().master() + "), output in " + root);
      out.println();
      out.println("[1/3] ingest");
      IngestReport ingest = IngestJob.ingest(spark, IngestJob.sources(spark, args, config), root + "/ingest", config);
      Summaries.printIngest(ingest, out);
      out.println();

      out.println("[2/3] curate");
      CurateReport curated = CurateJob.curate(spark, ingest.problemsPath(), List.of(), root + "/curate", config);
      Summaries.printCurate(curated, out);
      out.println("  for example:");
      for (Row r : DatasetReader.read(spark, curated.removedPath()).orderBy(col("reason"), col("similarity").desc(), col("problem_id"))
          .dropDuplicates("reason").orderBy("reason").collectAsList()) {
        out.printf("    %-16s %s  ~  %s (%s)%n", r.getAs("reason"), r.getAs("problem_id"), r.getAs("matched_id"),
            r.isNullAt(r.fieldIndex("shared_ngrams")) ? String.format("Jaccard %.2f", r.<Double>getAs("similarity"))
                : r.getAs("shared_ngrams") + " shared 13-grams");
      }
      out.println();

      int problems = positive(args, "problems", 3);
      int samples = positive(args, "samples", 2);
      out.println("[3/3] generate: " + samples + " proofs for each of " + problems + " IMO-ProofBench problems");
      Dataset<Row> chosen = DatasetReader.read(spark, ingest.problemsPath())
          .filter("source = 'imo-proofbench'").orderBy("problem_id").limit(problems);
      try (OpenEndpoint endpoint = InferJob.open(spark, config)) {
        GenerationReport generated = InferJob.generate(spark, ProofRequests.of(spark, chosen, samples), endpoint,
            root + "/generate", config, List.of(ingest.problemsPath()));
        Summaries.printGeneration(generated, endpoint, out);
        Row first = DatasetReader.read(spark, generated.path()).orderBy("request_id", "sample_index").first();
        String text = String.valueOf(first.<String>getAs("completion"));
        out.println("  first proof of " + first.getAs("request_id") + ": "
            + text.substring(0, Math.min(160, text.length())).replaceAll("\\s+", " ") + (text.length() > 160 ? " ..." : ""));
      }
      out.println();
      out.println("done. Read the datasets with any Parquet reader, e.g. DuckDB:");
      out.println("  SELECT source, count(*) FROM '" + root + "/ingest/problems/*.parquet' GROUP BY source;");
      return 0;
    } finally {
      spark.stop();
    }
  }
}
