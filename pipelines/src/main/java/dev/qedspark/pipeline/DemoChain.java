package dev.qedspark.pipeline;

import dev.qedspark.common.ProjectPaths;
import dev.qedspark.curation.Curate;
import dev.qedspark.curation.Pick;
import dev.qedspark.eval.Benchmark;
import dev.qedspark.ingest.Ingest;
import dev.qedspark.ingest.SourceSpec;
import dev.qedspark.sft.SftDataset;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo as a chain declaration: ingest the bundled sources, curate them, pick a handful of
 * curated problems (the first by id: about half with a rubric of their own, the others with only
 * a reference solution, so that the rubrics step has work), and run the FineProofs
 * chain ({@link DatasetsChain}: filter, rubrics, generate, grade, rl, sft) on them; then evaluate
 * the model role on the first three IMO-AnswerBench problems ({@link EvalChain}, in
 * {@code OUT/eval}); write packed training shards of the SFT proofs ({@code OUT/shards}) and launch
 * two ranks on them on local[*] ({@code OUT/train}). Each step
 * writes into its own folder under the demo's root; a second run skips every step that is up to
 * date.
 */
public final class DemoChain {
  public static final String INGEST = "ingest";
  public static final String CURATE = "curate";
  public static final String PICK = "pick";
  public static final String EVAL = "eval";
  public static final String SHARDS = "shards";
  public static final String TRAIN = "train";
  /** The demo's trainer: every rank checks its rendezvous variables and reads its token files (Python's standard library only). */
  public static final String TRAIN_COMMAND = "python3 " + ProjectPaths.resolve("docker/trainer/check_shard.py");
  static final int TRAIN_RANKS = 2;
  /** Tokens per packed sequence in the demo: its proofs are short, and each rank needs a sequence. */
  static final int DEMO_SEQ_LEN = 1024;
  /** The benchmark the demo ends with, and how many of its problems the model under test answers. */
  static final String EVAL_BENCHMARK = "imo-answerbench";
  static final int EVAL_PROBLEMS = 3;
  static final String WITH_RUBRIC = "rubric IS NOT NULL AND trim(rubric) != ''";
  static final String SOLUTION_ONLY = "solution IS NOT NULL AND trim(solution) != '' AND (rubric IS NULL OR trim(rubric) = '')";

  private DemoChain() {}

  /**
   * @param problems how many curated problems to run the FineProofs chain on
   * @param samples teacher proofs per problem
   * @param trainCommand what each of the two trainer ranks runs ({@link #TRAIN_COMMAND} by default)
   * @param rankOutput where the ranks' output is printed
   */
  public static Chain of(Stages stages, List<SourceSpec> sources, String root, int problems, int samples, String trainCommand,
      PrintStream rankOutput) {
    List<Chain.Step> steps = new ArrayList<>(List.of(
        Chain.step(INGEST, root + "/" + INGEST).writes(Ingest.PROBLEMS).builds(in -> stages.ingest(sources)),
        Chain.step(CURATE, root + "/" + CURATE).writes(Curate.CURATED).reads("problems", Ref.output(INGEST, Ingest.PROBLEMS))
            .builds(in -> stages.curate(in.path("problems"), List.of())),
        Chain.step(PICK, root + "/" + PICK).writes(Pick.PROBLEMS).reads("problems", Ref.output(CURATE, Curate.CURATED)).builds(in -> {
          Pick pick = stages.pick(in.path("problems")).take(WITH_RUBRIC, (problems + 1) / 2);
          return problems / 2 > 0 ? pick.take(SOLUTION_ONLY, problems / 2) : pick;
        })));
    steps.addAll(DatasetsChain.steps(stages, Ref.output(PICK, Pick.PROBLEMS), step -> root + "/" + step, Set.of(), samples));
    Benchmark answers = Benchmark.named(EVAL_BENCHMARK, sources, null, null);
    steps.addAll(EvalChain.steps(stages, answers, root + "/" + EVAL, null, 1, EVAL_PROBLEMS, "direct"));
    // The tiny random model's proofs get no readable grade, so sft/default (graded proofs only) is
    // empty here: the demo packs sft/all to show the handoff, in sequences short enough for both ranks.
    steps.add(Chain.step(SHARDS, root + "/" + SHARDS).reads("sft", Ref.output("sft", SftDataset.ALL))
        .builds(in -> stages.shards(in.path("sft"), "packed", stages.shardSettings().withCount(TRAIN_RANKS).withMmapFiles(true)
            .withSeqLen(DEMO_SEQ_LEN).withOverlong("truncate"))));
    steps.add(Chain.step(TRAIN, root + "/" + TRAIN).reads("shards", Ref.folder(SHARDS))
        .builds(in -> stages.train(in.path("shards"), trainCommand, TRAIN_RANKS).output(rankOutput)));
    return Chain.of(stages, steps);
  }

  /** The file where a demo run lists its steps: name, whether it ran, seconds. */
  public static final String TIMINGS = "timings.json";

  /** Writes {@code ROOT/timings.json}: each step's name, whether it ran, and its wall seconds. */
  public static void writeTimings(org.apache.spark.sql.SparkSession spark, String root, List<Chain.Outcome> outcomes) {
    List<Map<String, Object>> steps = outcomes.stream().map(o -> Map.<String, Object>of("step", o.name(), "ran", o.ran(),
        "seconds", Math.round(o.seconds() * 100) / 100.0)).toList();
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(root, TIMINGS);
    try (var stream = file.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(file, true)) {
      stream.write(dev.qedspark.io.Manifest.JSON.writeValueAsBytes(steps));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
