package dev.qedspark.jobs;

import dev.qedspark.bench.BenchReport;
import dev.qedspark.bench.BenchScale;
import dev.qedspark.bench.Benchmarks;
import dev.qedspark.bench.Measurement;
import dev.qedspark.common.LocalFiles;
import dev.qedspark.config.QedConfig;
import dev.qedspark.ingest.Ingest;
import dev.qedspark.ingest.SourceSpec;
import dev.qedspark.io.Manifest;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.jobs.cli.UsageException;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.spark.SparkSessions;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/** {@code ./qed bench}: the project's speed and quality beside the baselines, in one run. */
final class BenchJob implements Command {
  private static final String MARKER = "QED_BENCH_WORK";
  static final List<String> SECTIONS = List.of("curation", "runner", "tokenize", "demo");

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "Measure speed and quality beside the baselines (MinHashLSH, bare ONNX Runtime, ...) and write bench.json";
  }

  @Override
  public String description() {
    return """
        Every figure is printed beside its baseline, measured in the same run on the same input.
        Sections (--only picks some):
          curation  a labelled synthetic corpus (bundled statements joined in pairs, one planted
                    near-duplicate per ten: appended sentence, numbered prefix, LaTeX spelling,
                    renamed variables, a dropped word) at each growth size: normalization;
                    near-duplicate search with recall per kind and false merges, beside Spark ML's
                    MinHashLSH at the same threshold; the whole curate stage beside normalizing +
                    MinHashLSH; the 13-gram signal; the embedding signal beside bare ONNX Runtime
          runner    the LLM runner at 16 requests in flight against a loopback server with 16
                    slots and 50 ms per answer, as a share of the ideal 320/s, beside a plain
                    sequential client; CPU per request
          tokenize  ./qed shards' chat template, tokenizer, mask and packing beside the bare
                    tokenizer on the templated texts (needs the Qwen3 tokenizer)
          demo      ./qed demo with an empty cache in a fresh JVM, per step
        Growth sizes (distinct problems; the corpus adds 10%): small 10k, 20k; medium adds 100k;
        large adds 1M (give the JVM 12 GB: QED_JAVA_OPTS=-Xmx12g). MinHashLSH runs up to 20k
        (near 100k it ran out of a 6.6 GB heap). Past 22,000 distinct problems the corpus repeats
        its first 22,000 with a generation's tag after every fourth token, so no shingle crosses
        generations and the pairs that share a statement grow with the corpus, not its square;
        the dedup note counts band collisions, and those between problems with the same numbers
        and question words: the pairs its exact check looks at. Writes OUT/bench.json (the
        machine, every figure) and works in OUT/.qed-bench-work (removed at the end).
        Example:
          ./qed bench --scale small --out runs/bench""";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("scale", "S", "small (default), medium or large"),
        OptionSpec.value("only", "LIST", "sections to run, comma-separated: curation, runner, tokenize, demo (default all)"),
        OptionSpec.value("out", "DIR", "where bench.json goes (default runs/bench)"));
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) throws Exception {
    BenchScale scale;
    try {
      scale = BenchScale.parse(args.value("scale", "small"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Set<String> only = Set.copyOf(List.of(args.value("only", String.join(",", SECTIONS)).split(",")));
    for (String section : only) {
      if (!SECTIONS.contains(section)) {
        throw new UsageException("--only takes " + String.join(", ", SECTIONS) + ", not '" + section + "'");
      }
    }
    Path root = Path.of(args.value("out", "runs/bench"));
    Path scratch = root.resolve(".qed-bench-work");
    if (Files.exists(scratch) && !Files.exists(scratch.resolve(MARKER))) {
      throw new UsageException(scratch + " exists and is not a bench work folder: move it, or pick another --out");
    }
    LocalFiles.deleteTree(scratch);
    Files.createDirectories(scratch);
    Files.writeString(scratch.resolve(MARKER), "qed bench's work folder, removed when the run ends\n");
    long started = System.nanoTime();
    SparkSession spark = SparkSessions.create(config.spark());
    try (Stages stages = Stages.with(spark, config)) {
      out.printf("qed bench --scale %s on %d cores: every figure beside its baseline, measured now%n", scale.label(),
          Runtime.getRuntime().availableProcessors());
      Benchmarks benchmarks = new Benchmarks(spark, scale, scratch, m -> print(m, out));
      if (only.contains("runner")) {
        benchmarks.llmRunner();
      }
      if (only.contains("tokenize")) {
        benchmarks.tokenizeAndPack(config.shards());
      }
      if (only.contains("curation")) {
        benchmarks.curation(Ingest.problemsOf(spark, stages.catalog().stream().filter(SourceSpec::benchmark).toList()),
            config.curate().dedup(), config.curate().decontam());
      }
      if (only.contains("demo")) {
        benchmarks.demo(childJvm());
      }
      BenchReport report = new BenchReport(scale.label(), BenchReport.machine(spark), benchmarks.measured(), (System.nanoTime() - started) / 1e9);
      Path json = root.resolve("bench.json");
      Manifest.JSON.writeValue(json.toFile(), report);
      out.println();
      printTable(report, out);
      out.printf("%nbench: %.0f s in all; %s%n", report.seconds(), json);
      return 0;
    } finally {
      spark.stop();
      LocalFiles.deleteTree(scratch);
    }
  }

  /** This JVM's java, options and class path, running the qed command line. */
  private static List<String> childJvm() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Qed.class.getName()));
    return command;
  }

  private static void print(Measurement m, PrintStream out) {
    out.printf("  %s: %s at %,d: %s%n", m.section(), m.what(), m.size(), figure(m));
  }

  private static String figure(Measurement m) {
    String value = String.format("%,.1f %s", m.value(), m.unit());
    return m.speedup() == null ? value : String.format("%s, %.2fx %s (%,.1f)", value, m.speedup(), m.baseline(), m.baselineValue());
  }

  /** The figures as a Markdown table (BENCHMARKS.md takes it as it is). */
  static void printTable(BenchReport report, PrintStream out) {
    out.println("| section | what | size | figure | baseline | vs baseline | notes |");
    out.println("|---|---|---:|---:|---|---:|---|");
    for (Measurement m : report.measurements()) {
      out.printf("| %s | %s | %,d | %,.1f %s | %s | %s | %s |%n", m.section(), m.what(), m.size(), m.value(), m.unit(),
          m.baseline() == null ? "" : String.format("%s: %,.1f", m.baseline(), m.baselineValue()),
          m.speedup() == null ? "" : String.format("%.2fx", m.speedup()), m.note().replace("|", "/"));
    }
  }
}
