package dev.qedspark.jobs;

import dev.qedspark.common.ProjectPaths;
import dev.qedspark.config.QedConfig;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.jobs.cli.UsageException;
import dev.qedspark.llm.OpenEndpoint;
import dev.qedspark.llm.engine.EngineServer;
import dev.qedspark.llm.engine.LlamaEngine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code ./qed serve}: the embedded engine as an OpenAI-compatible server on 127.0.0.1. */
final class ServeCommand implements Command {

  @Override
  public String name() {
    return "serve";
  }

  @Override
  public String summary() {
    return "Serve a GGUF model with the embedded llama.cpp engine as an OpenAI-compatible API";
  }

  @Override
  public String description() {
    return """
        Loads FILE.gguf in this JVM (llama.cpp, CPU) and answers GET /health, GET /v1/models
        and POST /v1/chat/completions on HOST:PORT (127.0.0.1 by default) until stopped (Ctrl-C). Without
        --model it serves the project's tiny random test model, whose outputs are meaningless.
        Point jobs at it with --endpoint http://127.0.0.1:PORT/v1.

        Examples:
          ./qed serve --model models/qwen3-4b-q4_k_m.gguf --port 8000 --parallel 8
          as a fleet on CPU workers (llm.fleet):
            --set 'llm.fleet.command=./qed serve --model M.gguf --host {host} --port {port}'""";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("model", "FILE", "GGUF model file (llm.engine.model-file); default: the tiny test model"),
        OptionSpec.value("host", "ADDR", "address to listen on (default 127.0.0.1; a fleet server on a CPU worker uses {host})"),
        OptionSpec.value("port", "N", "port (default 8000; 0 = any free port)"),
        OptionSpec.value("parallel", "N", "requests decoded at once (llm.engine.parallel)"));
  }

  @Override
  public List<String> configOverrides(Arguments args) {
    List<String> overrides = new ArrayList<>();
    if (args.has("model")) overrides.add("llm.engine.model-file=" + args.value("model"));
    if (args.has("parallel")) overrides.add("llm.engine.parallel=" + args.value("parallel"));
    return overrides;
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) throws Exception {
    int port;
    try {
      port = Integer.parseInt(args.value("port", "8000"));
    } catch (NumberFormatException e) {
      throw new UsageException("--port needs a number, not '" + args.value("port") + "'");
    }
    Path scratch = Path.of(ProjectPaths.resolve(config.llm().cacheDir())).resolve("engine");
    LlamaEngine engine = LlamaEngine.load(config.llm().engine(), scratch);
    CountDownLatch stopped = new CountDownLatch(1);
    try (EngineServer server = EngineServer.start(engine, args.value("host", "127.0.0.1"), port, config.llm().engine().parallel() * 2 + 2)) {
      Thread hook = new Thread(stopped::countDown, "qed-serve-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      out.println("serving " + engine.modelName() + " at " + server.baseUrl() + " (Ctrl-C stops)");
      if (engine.isTinyRandomModel()) {
        out.println("note: " + OpenEndpoint.TINY_MODEL_NOTICE);
      }
      out.flush();
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is already stopping
        }
      }
    }
    return 0;
  }
}
