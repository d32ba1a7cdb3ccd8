package dev.qedspark.jobs;

import dev.qedspark.config.QedConfig;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.jobs.cli.UsageException;
import dev.qedspark.publish.Publish;
import dev.qedspark.spark.SparkSessions;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/** {@code ./qed publish --input OUT/sft --out DIR}: a folder the Hugging Face Hub takes as it is. */
final class PublishCommand implements Command {

  @Override
  public String name() {
    return "publish";
  }

  @Override
  public String summary() {
    return "Assemble an SFT or RL output folder (card, lineage, shards) for the Hugging Face Hub";
  }

  @Override
  public String description() {
    return """
        Copies the dataset card (README.md), lineage.json and the Parquet shards of every config the
        card names from the output folder of ./qed sft or ./qed rl (or the sft / rl folder of
        ./qed datasets) into --out, checking each shard's sha256 against its manifest. Nothing
        else goes in: no manifests, checksum files or reports. Nothing is uploaded; the folder is
        what `huggingface-cli upload` takes as it is, and `datasets.load_dataset(DIR)` reads the
        card's default config from it (load_dataset(DIR, "all") the other).

        Example:
          ./qed publish --input runs/datasets/sft --out runs/publish/sft
          huggingface-cli upload my-org/my-fineproofs-sft runs/publish/sft --repo-type dataset""";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.required("input", "DIR", "output folder of ./qed sft or ./qed rl, e.g. runs/datasets/sft"),
        OptionSpec.required("out", "DIR", "the folder to assemble; replaced when an earlier publish wrote it"));
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) {
    if (!args.has("input") || !args.has("out")) {
      throw new UsageException("publish needs --input DIR (an sft or rl output folder) and --out DIR");
    }
    SparkSession spark = SparkSessions.create(config.spark());
    try {
      Publish.Result result = Publish.folder(spark.sparkContext().hadoopConfiguration(), args.value("input", ""), args.value("out", ""));
      out.printf(Locale.ROOT, "publish: %s with configs %s, %d Parquet files (%.1f MB), README.md and lineage.json%n",
          result.folder(), result.configs(), result.files(), result.bytes() / 1048576.0);
      out.println("  upload: huggingface-cli upload ORG/NAME " + result.folder() + " --repo-type dataset");
      return 0;
    } finally {
      spark.stop();
    }
  }
}
