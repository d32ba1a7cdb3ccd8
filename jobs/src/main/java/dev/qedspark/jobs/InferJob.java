package dev.qedspark.jobs;

import dev.qedspark.config.ConfigView;
import dev.qedspark.common.ProjectPaths;
import dev.qedspark.config.QedConfig;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.GenerationRunner;
import dev.qedspark.llm.OpenEndpoint;
import dev.qedspark.llm.batch.BatchInput;
import dev.qedspark.llm.batch.BatchOutput;
import dev.qedspark.spark.SparkSessions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** {@code ./qed infer}: an OpenAI Batch API input file through an endpoint or the embedded engine. */
final class InferJob implements Command {

  @Override
  public String name() {
    return "infer";
  }

  @Override
  public String summary() {
    return "Run a Batch API file (custom_id, body) through an OpenAI-compatible endpoint or the embedded engine";
  }

  @Override
  public String description() {
    return """
        Reads FILE in the OpenAI Batch API input format (one JSON object a line: custom_id,
        method, url, body), the format of vLLM's run_batch, and sends every body to
        /v1/chat/completions with K requests in flight per Spark partition. Without --endpoint
        (and llm.endpoint), the embedded llama.cpp engine serves the requests in this JVM.

        Writes OUT/results (Parquet generations: one row per custom_id, with completion,
        reasoning, proof, finish_reason, tokens, latency, cost, status and error) and
        OUT/output.jsonl in the Batch API output format, failed requests included.

        Responses are cached under llm.cache-dir as they arrive: a run that was stopped sends
        only what had not finished when started again. The API key is read from the variable
        named by llm.api-key-env (QED_API_KEY). A budget (llm.budget.max-tokens,
        llm.budget.max-cost) stops sending cleanly; what was not sent is marked not_sent.

        Examples:
          ./qed infer --input requests.jsonl --out runs/infer
          QED_API_KEY=... ./qed infer --input requests.jsonl --out runs/x \\
              --endpoint http://gpu-1:8000/v1 --model lm-provers/QED-Nano --concurrency 64""";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.required("input", "FILE", "Batch API input file (JSON Lines)"),
        OptionSpec.required("out", "DIR", "output folder for results/ and output.jsonl"),
        OptionSpec.value("endpoint", "URL", "OpenAI-compatible API root, e.g. http://127.0.0.1:8000/v1 (llm.endpoint)"),
        OptionSpec.value("model", "NAME", "model to ask for (llm.model); default: the endpoint's only model"),
        OptionSpec.value("concurrency", "K", "requests in flight per partition (llm.concurrency)"));
  }

  @Override
  public List<String> configOverrides(Arguments args) {
    List<String> overrides = new ArrayList<>();
    if (args.has("endpoint")) overrides.add("llm.endpoint=" + args.value("endpoint"));
    if (args.has("model")) overrides.add("llm.model=" + args.value("model"));
    if (args.has("concurrency")) overrides.add("llm.concurrency=" + args.value("concurrency"));
    return overrides;
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) throws Exception {
    String root = args.value("out");
    SparkSession spark = SparkSessions.create(config.spark());
    try (OpenEndpoint endpoint = open(spark, config)) {
      Dataset<Row> requests = BatchInput.read(spark, args.value("input"));
      GenerationReport report = generate(spark, requests, endpoint, root + "/results", config, List.of(args.value("input")));
      long lines = BatchOutput.write(spark, DatasetReader.read(spark, report.path()), root + "/output.jsonl");
      Summaries.printGeneration(report, endpoint, out);
      out.println("  output.jsonl: " + root + "/output.jsonl (" + lines + " lines)");
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** The configured endpoint, or the embedded engine (its model file kept beside the cache). */
  static OpenEndpoint open(SparkSession spark, QedConfig config) {
    return OpenEndpoint.open(spark, config.llm(), Path.of(ProjectPaths.resolve(config.llm().cacheDir())).resolve("engine"));
  }

  static GenerationReport generate(SparkSession spark, Dataset<Row> requests, OpenEndpoint endpoint, String out,
      QedConfig config, List<String> inputs) {
    return GenerationRunner.of(spark, requests)
        .endpoint(endpoint.endpoint())
        .settings(config.llm())
        .cacheDir(ProjectPaths.resolve(config.llm().cacheDir()))
        .datasets(config.datasets())
        .configHash(ConfigView.hash(config))
        .inputs(inputs)
        .into(out)
        .execute();
  }
}
