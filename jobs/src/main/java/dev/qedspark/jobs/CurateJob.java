package dev.qedspark.jobs;

import dev.qedspark.config.ConfigView;
import dev.qedspark.config.QedConfig;
import dev.qedspark.curation.Curate;
import dev.qedspark.curation.CurateReport;
import dev.qedspark.ingest.Ingest;
import dev.qedspark.ingest.InputFiles;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.spark.SparkSessions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** {@code ./qed curate}: decontamination and duplicate removal on a problems dataset. */
final class CurateJob implements Command {

  @Override
  public String name() {
    return "curate";
  }

  @Override
  public String summary() {
    return "Remove benchmark overlap, exact and near duplicates from a problems dataset";
  }

  @Override
  public String description() {
    return """
        Normalizes every problem (LaTeX delimiters, sizing commands, synonyms, prefixes, case
        and spacing; digits and commands kept), then removes, in order:
          contaminated     shares a 13-word sequence with a benchmark problem
          exact_duplicate  the same normalized text as a kept problem
          near_duplicate   MinHash/LSH candidates with Jaccard >= 0.75 on 5-word shingles
        Benchmarks are the rows ingested with benchmark = true (IMO-ProofBench and
        IMO-AnswerBench by default) plus every --benchmark FILE (JSONL, JSON, CSV or Parquet
        with a problem column). They are the reference set and are not written to curated.

        Writes OUT/curated (problems), OUT/removed (each removed problem with reason,
        matched_id and evidence: similarity or shared_ngrams) and OUT/report.json (counts per
        source and reason, cluster sizes, settings). Settings: ./qed config keys (curate.*).""";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.required("problems", "DIR", "a problems dataset (from ./qed ingest)"),
        OptionSpec.required("out", "DIR", "output folder for curated/, removed/ and report.json"),
        OptionSpec.repeated("benchmark", "FILE", "another benchmark to decontaminate against"));
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) {
    SparkSession spark = SparkSessions.create(config.spark());
    try {
      CurateReport report = curate(spark, args.value("problems"), args.values("benchmark"), args.value("out"), config);
      Summaries.printCurate(report, out);
      return 0;
    } finally {
      spark.stop();
    }
  }

  static CurateReport curate(SparkSession spark, String problems, List<String> benchmarkFiles, String out, QedConfig config) {
    List<String> inputs = new ArrayList<>(List.of(problems));
    inputs.addAll(benchmarkFiles);
    Curate curate = Curate.of(spark, DatasetReader.read(spark, problems, config.datasets().verifyChecksums()))
        .settings(config.curate()).into(out).datasets(config.datasets()).configHash(ConfigView.hash(config)).inputs(inputs);
    if (!benchmarkFiles.isEmpty()) {
      Dataset<Row> extra = Ingest.problemsOf(spark, InputFiles.specs(benchmarkFiles, null, true, Map.of()));
      curate.benchmarks(extra);
    }
    return curate.execute();
  }
}
