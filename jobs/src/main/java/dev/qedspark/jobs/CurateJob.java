package dev.qedspark.jobs;

import dev.qedspark.config.QedConfig;
import dev.qedspark.curation.CurateReport;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.spark.SparkSessions;
import java.io.PrintStream;
import java.util.List;
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
          contaminated     shares 13-word sequences with a benchmark problem covering at least
                           20% of the shorter text's 13-grams, or its all-MiniLM-L6-v2
                           embedding has cosine >= 0.85 with one
          exact_duplicate  the same normalized text as a kept problem
          near_duplicate   MinHash/LSH candidates with Jaccard >= 0.75 on 5-word shingles
                           and the same numbers and question words
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
    try (Stages stages = Stages.with(spark, config)) {
      CurateReport report = stages.curate(args.value("problems"), args.values("benchmark")).into(args.value("out")).execute();
      Summaries.printCurate(report, out);
      return 0;
    } finally {
      spark.stop();
    }
  }
}
