package dev.qedspark.jobs;

import dev.qedspark.config.QedConfig;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.io.Manifest;
import dev.qedspark.io.Run;
import dev.qedspark.io.RunManifest;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.jobs.cli.UsageException;
import dev.qedspark.spark.SparkSessions;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** {@code ./qed dataset DIR...}: check dataset folders against their manifests. */
final class DatasetCommand implements Command {

  @Override
  public String name() {
    return "dataset";
  }

  @Override
  public String summary() {
    return "Check datasets and run folders against their manifests (files, sizes, sha256, rows, schemas)";
  }

  @Override
  public String positionals() {
    return "DIR...";
  }

  @Override
  public String description() {
    return """
        For each DIR that is a dataset, reads .manifest.json, checks that every shard it lists
        is present with its recorded size, sha256, row count and schema, and prints the dataset's name, rows,
        shards, code version and creation time. For each DIR that is a run folder (it has
        _run.json, e.g. runs/demo/ingest), checks every output the run committed the same way
        and against the digest the run recorded. Exits 1 at the first damaged, incomplete or
        changed one. For a dataset DIR, Parquet files in it that the manifest does not list are
        named: they are never read.""";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of();
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) {
    if (args.positionals().isEmpty()) {
      throw new UsageException("dataset needs at least one dataset folder (see ./qed dataset --help)");
    }
    SparkSession spark = SparkSessions.create(config.spark());
    try {
      for (String dir : args.positionals()) {
        if (Run.committed(spark, dir) != null) {
          RunManifest run = Run.verify(spark, dir);
          out.printf("%s: ok, run of %s with %s, committed %s by %s%n", dir, run.step(), String.join(", ", run.outputs().keySet()),
              run.createdAt(), run.codeVersion());
          continue;
        }
        Manifest m = DatasetReader.verify(spark, dir, true);
        out.printf("%s: ok, %s, %,d rows in %d shards, written %s by %s%n",
            dir, m.name(), m.rows(), m.files().size(), m.createdAt(), m.codeVersion());
        List<String> unlisted = DatasetReader.unlisted(spark, dir, m);
        if (!unlisted.isEmpty()) {
          out.printf("  note: %d Parquet file(s) here are not in the manifest and are never read: %s%n",
              unlisted.size(), String.join(", ", unlisted));
        }
      }
      return 0;
    } finally {
      spark.stop();
    }
  }
}
