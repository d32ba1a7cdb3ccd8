package dev.qedspark.jobs;

import dev.qedspark.ingest.InputFiles;
import dev.qedspark.ingest.SourceFormat;
import dev.qedspark.ingest.SourceSpec;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.jobs.cli.UsageException;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.stage.Stage;
import java.io.PrintStream;
import java.util.List;

/** {@code ./qed ingest}: problem sources to the {@code problems} dataset. */
final class IngestJob extends StageCommand {

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String summary() {
    return "Read problem sources into a problems dataset, with a quarantine and a report";
  }

  @Override
  public String description() {
    return """
        Without --input, reads every source in the catalog named by ingest.sources
        (conf/sources.yaml: the bundled benchmarks and corpora). With --input, reads
        those files instead: JSON Lines (.jsonl), JSON arrays (.json), CSV with a header
        (.csv) or Parquet (.parquet or a folder). Columns are recognised by common names
        (problem/statement/question..., id/problem_id..., solution, answer, rubric);
        --map field=column names them explicitly.

        Writes OUT/problems (Parquet + .manifest.json), OUT/quarantine (records that could
        not be read or have no problem text, with reason, file, line and raw text) and
        OUT/report.json (counts per source and reason). A bad record never stops the job.

        Examples:
          ./qed ingest --out runs/ingest
          ./qed ingest --out runs/mine --input scraped.jsonl --map problem=body --map problem_id=post_id""";
  }

  @Override
  protected List<OptionSpec> stageOptions() {
    return List.of(
        OptionSpec.required("out", "DIR", "output folder for problems/, quarantine/ and report.json"),
        OptionSpec.repeated("input", "FILE", "read this file instead of the catalog's sources"),
        OptionSpec.value("format", "FORMAT", "format of every --input: jsonl, json, csv, parquet (default: by extension)"),
        OptionSpec.repeated("map", "FIELD=COLUMN", "take FIELD (problem, problem_id, solution, answer, rubric, ...) from COLUMN"),
        OptionSpec.flag("benchmark", "mark the --input files as benchmark sets (decontamination reference)"));
  }

  @Override
  protected Stage<?, ?> stage(Stages stages, Arguments args, PrintStream out) {
    return stages.ingest(sources(stages, args));
  }

  @Override
  protected void checkOptions(Arguments args) {
    if (!args.has("input") && (args.has("map") || args.has("format") || args.has("benchmark"))) {
      throw new UsageException("--map, --format and --benchmark apply to --input files; the catalog declares its own");
    }
  }

  /** The --input files, else the configured catalog's sources. */
  private static List<SourceSpec> sources(Stages stages, Arguments args) {
    if (!args.has("input")) {
      return stages.catalog();
    }
    try {
      SourceFormat format = args.has("format") ? SourceFormat.named(args.value("format")) : null;
      return InputFiles.specs(args.values("input"), format, args.has("benchmark"), args.pairs("map"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
