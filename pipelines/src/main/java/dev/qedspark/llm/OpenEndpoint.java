package dev.qedspark.llm;

import dev.qedspark.llm.engine.EngineServer;
import dev.qedspark.llm.engine.LlamaEngine;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint a role sends to, open for a job's duration: the configured server, or, when none
 * is configured, the embedded engine, started in this JVM and served on 127.0.0.1 the first time
 * a request is to be sent. What the response cache keys on ({@link #identity()}) and the model
 * name are known without starting anything, so a step whose outputs are up to date never loads
 * a model.
 */
public final class OpenEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpenEndpoint.class);

  /** What to tell users when the embedded engine runs the tiny random model. */
  public static final String TINY_MODEL_NOTICE =
      "the embedded engine runs the project's tiny random test model: its outputs are meaningless text."
          + " For real outputs set llm.engine.model-file to a GGUF file, or llm.endpoint to an"
          + " OpenAI-compatible server (e.g. vLLM serving lm-provers/QED-Nano at http://HOST:8000/v1).";

  private final LlmSettings settings;
  private final Path scratch;
  private final LlamaEngine.ModelFile modelFile;
  private final boolean dryRun;
  private Endpoint endpoint;
  private EngineServer server;
  private Fleet fleet;
  private final SparkSession spark;

  private OpenEndpoint(SparkSession spark, LlmSettings settings, Path scratch, LlamaEngine.ModelFile modelFile, Endpoint endpoint, boolean dryRun) {
    this.spark = spark;
    this.settings = settings;
    this.scratch = scratch;
    this.modelFile = modelFile;
    this.endpoint = endpoint;
    this.dryRun = dryRun;
  }

  /** The server in {@code settings.endpoint()}, or the embedded engine when that is empty. */
  public static OpenEndpoint of(SparkSession spark, LlmSettings settings, Path scratch) {
    return of(spark, settings, scratch, false);
  }

  /**
   * Like {@link #of(SparkSession, LlmSettings, Path)}; with {@code dryRun} the endpoint has the
   * same identity and model but sends nothing and never starts an engine: an {@link LlmMap}
   * answers from the response cache and counts the rest (see {@link LlmMap#standIn(String)}).
   */
  public static OpenEndpoint of(SparkSession spark, LlmSettings settings, Path scratch, boolean dryRun) {
    if (settings.fleet().servers() > 0) {
      if (settings.model().isEmpty()) {
        throw new LlmException("llm.fleet needs llm.model: the model the servers serve, sent with each request and part of the cache key");
      }
      return new OpenEndpoint(spark, settings, scratch, null, null, dryRun);
    }
    if (!settings.endpoint().isEmpty()) {
      return new OpenEndpoint(spark, settings, scratch, null, null, dryRun);
    }
    if (!spark.sparkContext().isLocal()) {
      throw new LlmException("llm.endpoint is empty, and the embedded engine runs only with a local master;"
          + " on a cluster set llm.endpoint to your inference servers (e.g. --set llm.endpoint=http://vllm:8000/v1)");
    }
    return new OpenEndpoint(spark, settings, scratch, LlamaEngine.ModelFile.of(settings.engine(), scratch), null, dryRun);
  }

  /** An endpoint that is already known and running (a test server, a server started elsewhere). */
  public static OpenEndpoint of(Endpoint endpoint) {
    return new OpenEndpoint(null, LlmSettings.DEFAULTS, null, null, endpoint, false);
  }

  /** Whether this endpoint only counts what would be sent. */
  public boolean isDryRun() {
    return dryRun;
  }

  /**
   * What the response cache keys on: the server URL, the embedded model's name and size, or for
   * a fleet (whose URLs change with every start) the model name, or {@code llm.model-revision}.
   */
  public synchronized String identity() {
    return endpoint != null ? endpoint.identity() : modelFile != null ? modelFile.identity() : isFleet() ? fleetIdentity() : resolve().identity();
  }

  /** The model asked for. */
  public synchronized String model() {
    return endpoint != null ? endpoint.model() : modelFile != null ? modelFile.name() : isFleet() ? settings.model() : resolve().model();
  }

  private boolean isFleet() {
    return settings.fleet().servers() > 0;
  }

  private String fleetIdentity() {
    return "fleet:" + (settings.modelRevision().isEmpty() ? settings.model() : "revision:" + settings.modelRevision());
  }

  /** The endpoint, ready to take requests: the embedded engine is started on the first call. */
  public synchronized Endpoint endpoint() {
    if (dryRun) {
      throw new IllegalStateException("a dry run sends nothing: its endpoint is never opened");
    }
    if (endpoint != null) {
      return endpoint;
    }
    if (isFleet()) {
      fleet = Fleet.start(spark, settings.fleet(), settings.model());
      endpoint = new Endpoint(fleet.baseUrls(), settings.model(), fleetIdentity());
      return endpoint;
    }
    if (modelFile == null) {
      return resolve();
    }
    LlamaEngine engine = LlamaEngine.load(settings.engine(), scratch);
    if (engine.isTinyRandomModel()) {
      LOG.warn(TINY_MODEL_NOTICE);
    }
    try {
      server = EngineServer.start(engine, 0, settings.engine().parallel() * 2 + 2);
    } catch (IOException e) {
      engine.close();
      throw new LlmException("cannot serve the embedded engine on 127.0.0.1: " + e.getMessage(), e);
    }
    endpoint = new Endpoint(server.baseUrl(), engine.modelName(), engine.identity());
    return endpoint;
  }

  private Endpoint resolve() {
    endpoint = Endpoint.of(settings);
    return endpoint;
  }

  /** Whether requests go to one server that runs already (not the embedded engine, not a fleet, not a dry run). */
  public boolean isServer() {
    return !dryRun && modelFile == null && !isFleet();
  }

  /** Whether answers come from the tiny random test model. */
  public boolean isTinyRandomModel() {
    return modelFile != null && modelFile.tiny();
  }

  @Override
  public synchronized void close() {
    if (fleet != null) {
      fleet.close();
      fleet = null;
    }
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
