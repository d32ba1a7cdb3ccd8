package dev.qedspark.jobs;

import dev.qedspark.config.QedConfig;
import dev.qedspark.ingest.IngestReport;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.spark.SparkSessions;
import java.io.PrintStream;
import java.util.List;
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
          1. ingest   sources in conf/sources.yaml -> OUT/ingest/{problems,quarantine,report.json}""";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(OptionSpec.value("out", "DIR", "output folder (default: runs/demo)"));
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) {
    String root = args.value("out", "runs/demo");
    SparkSession spark = SparkSessions.create(config.spark());
    try {
      out.println("qed demo: the pipeline on the embedded defaults (Spark " + spark.sparkContext().master() + "), output in " + root);
      out.println();
      out.println("[1/1] ingest");
      IngestReport ingest = IngestJob.ingest(spark, IngestJob.sources(spark, args, config), root + "/ingest", config);
      Summaries.printIngest(ingest, out);
      out.println();
      out.println("done. Read the datasets with any Parquet reader, e.g. DuckDB:");
      out.println("  SELECT source, count(*) FROM '" + root + "/ingest/problems/*.parquet' GROUP BY source;");
      return 0;
    } finally {
      spark.stop();
    }
  }
}
