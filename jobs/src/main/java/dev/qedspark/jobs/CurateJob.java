package dev.qedspark.jobs;

import dev.qedspark.curation.Curate;
import dev.qedspark.ingest.SourceSpec;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.stage.Stage;
import java.io.PrintStream;
import java.util.List;

/** {@code ./qed curate}: decontamination and duplicate removal on a problems dataset. */
final class CurateJob extends StageCommand {

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
        When the problems hold no benchmark rows (ingested with --input alone) and no
        --benchmark is given, the catalog's benchmark sources are used, and curate says so;
        --no-default-benchmarks opts out.

        Writes OUT/curated (problems), OUT/removed (each removed problem with reason,
        matched_id and evidence: similarity or shared_ngrams) and OUT/report.json (counts per
        source and reason, cluster sizes, settings). Settings: ./qed config keys (curate.*).""";
  }

  @Override
  protected List<OptionSpec> stageOptions() {
    return List.of(
        OptionSpec.required("problems", "DIR", "a problems dataset (from ./qed ingest)"),
        OptionSpec.required("out", "DIR", "output folder for curated/, removed/ and report.json"),
        OptionSpec.repeated("benchmark", "FILE", "another benchmark to decontaminate against"),
        OptionSpec.flag("no-default-benchmarks", "when the problems hold no benchmark rows and no --benchmark is given, decontaminate"
            + " against nothing instead of the catalog's benchmarks"));
  }

  @Override
  protected List<String> inputOptions() {
    return List.of("problems", "benchmark");
  }

  @Override
  protected Stage<?, ?> stage(Stages stages, Arguments args, PrintStream out) {
    Curate curate = stages.curate(args.value("problems"), args.values("benchmark"));
    List<SourceSpec> defaults = args.has("no-default-benchmarks") ? List.of() : stages.defaultBenchmarks(curate, args.values("benchmark"));
    if (!defaults.isEmpty()) {
      out.println("curate: the problems hold no benchmark rows and no --benchmark was given, so the catalog's benchmarks are the"
          + " reference: " + defaults.stream().map(SourceSpec::name).toList() + " (--no-default-benchmarks: none)");
      curate.benchmarkSources(defaults);
    }
    return curate;
  }
}
