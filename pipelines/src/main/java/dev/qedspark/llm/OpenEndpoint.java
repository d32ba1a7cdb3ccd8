package dev.qedspark.llm;

import dev.qedspark.llm.engine.EngineServer;
import dev.qedspark.llm.engine.LlamaEngine;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint a job sends to, opened for the job's duration: the configured server, or, when
 * none is configured, the embedded engine started in this JVM and served on 127.0.0.1.
 */
public final class OpenEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpenEndpoint.class);

  /** What to tell users when the embedded engine runs the tiny random model. */
  public static final String TINY_MODEL_NOTICE =
      "the embedded engine runs the project's tiny random test model: its outputs are meaningless text."
          + " For real outputs set llm.engine.model-file to a GGUF file, or llm.endpoint to an"
          + " OpenAI-compatible server (e.g. vLLM serving lm-provers/QED-Nano at http://HOST:8000/v1).";

  private final Endpoint endpoint;
  private final EngineServer server;

  private OpenEndpoint(Endpoint endpoint, EngineServer server) {
    this.endpoint = endpoint;
    this.server = server;
  }

  public static OpenEndpoint open(SparkSession spark, LlmSettings settings, Path scratch) {
    if (!settings.endpoint().isEmpty()) {
      return new OpenEndpoint(Endpoint.of(settings), null);
    }
    if (!spark.sparkContext().isLocal()) {
      throw new LlmException("llm.endpoint is empty, and the embedded engine runs only with a local master;"
          + " on a cluster set llm.endpoint to your inference servers (e.g. --set llm.endpoint=http://vllm:8000/v1)");
    }
    LlamaEngine engine = LlamaEngine.load(settings.engine(), scratch);
    if (engine.isTinyRandomModel()) {
      LOG.warn(TINY_MODEL_NOTICE);
    }
    try {
      EngineServer server = EngineServer.start(engine, 0, settings.engine().parallel() * 2 + 2);
      return new OpenEndpoint(new Endpoint(server.baseUrl(), engine.modelName(), engine.identity()), server);
    } catch (IOException e) {
      engine.close();
      throw new LlmException("cannot serve the embedded engine on 127.0.0.1: " + e.getMessage(), e);
    }
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** Whether answers come from the tiny random test model. */
  public boolean isTinyRandomModel() {
    return server != null && server.engine().isTinyRandomModel();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
