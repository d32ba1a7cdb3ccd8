package dev.qedspark.jobs;

import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.stage.Stage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code ./qed infer}: an OpenAI Batch API input file through an endpoint or the embedded engine. */
final class InferJob extends StageCommand {
  /** The role that answers a batch file: llm.roles.model when set, else llm.*. */
  static final String ROLE = "model";

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

        Writes OUT/results (Parquet: one row per custom_id and choice, with sample_index,
        completion, reasoning, proof, finish_reason, tokens, latency, cost, status and error)
        and OUT/output.jsonl in the Batch API output format, failed requests included. Both
        appear together when the run commits (OUT/_run.json); a run that fails leaves the
        previous ones in place.

        Responses are cached under llm.cache-dir as they arrive: a run that was stopped sends
        only what had not finished when started again. The API key is read from the variable
        named by llm.api-key-env (QED_API_KEY). The role is "model": llm.roles.model.* when
        set, else llm.*. A budget (llm.budget.max-tokens,
        llm.budget.max-cost) stops sending cleanly; what was not sent is marked not_sent.

        Examples:
          ./qed infer --input requests.jsonl --out runs/infer
          QED_API_KEY=... ./qed infer --input requests.jsonl --out runs/x \\
              --endpoint http://gpu-1:8000/v1 --model lm-provers/QED-Nano --concurrency 64""";
  }

  @Override
  protected List<OptionSpec> stageOptions() {
    return List.of(
        OptionSpec.required("input", "FILE", "Batch API input file (JSON Lines)"),
        OptionSpec.required("out", "DIR", "output folder for results/ and output.jsonl"),
        OptionSpec.value("endpoint", "URL", "OpenAI-compatible API root, e.g. http://127.0.0.1:8000/v1 (llm.roles.model.endpoint)"),
        OptionSpec.value("model", "NAME", "model to ask for (llm.roles.model.model); default: the endpoint's only model"),
        OptionSpec.value("concurrency", "K", "requests in flight per partition (llm.roles.model.concurrency)"));
  }

  @Override
  public List<String> configOverrides(Arguments args) {
    List<String> overrides = new ArrayList<>();
    String role = "llm.roles." + ROLE + ".";
    if (args.has("endpoint")) overrides.add(role + "endpoint=" + args.value("endpoint"));
    if (args.has("model")) overrides.add(role + "model=" + args.value("model"));
    if (args.has("concurrency")) overrides.add(role + "concurrency=" + args.value("concurrency"));
    return overrides;
  }

  @Override
  protected List<String> inputOptions() {
    return List.of("input");
  }

  @Override
  protected Stage<?, ?> stage(Stages stages, Arguments args, PrintStream out) {
    return stages.infer(args.value("input"), ROLE);
  }
}
