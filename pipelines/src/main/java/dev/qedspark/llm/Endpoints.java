package dev.qedspark.llm;

import dev.qedspark.common.ProjectPaths;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The endpoints of a job's roles (teacher, judge, policy, model), open at once. Roles that point
 * at the same server, or both at the embedded engine with the same settings, share one
 * {@link OpenEndpoint}. Closing this closes them all.
 */
public final class Endpoints implements AutoCloseable {
  private final SparkSession spark;
  private final LlmSettings llm;
  private final Path scratch;
  private final boolean dryRun;
  private final Map<String, OpenEndpoint> open = new LinkedHashMap<>();

  /**
   * @param llm the {@code llm} section, with its role profiles
   * @param scratch a folder for the embedded engine's model file
   * @param dryRun endpoints that send nothing (see {@link OpenEndpoint#isDryRun()})
   */
  public Endpoints(SparkSession spark, LlmSettings llm, Path scratch, boolean dryRun) {
    this.spark = spark;
    this.llm = llm;
    this.scratch = scratch;
    this.dryRun = dryRun;
  }

  /** The settings of a role ({@code llm.roles.NAME}, falling back to {@code llm.*}). */
  public LlmSettings settings(String role) {
    return llm.role(role);
  }

  /** The endpoint of a role; nothing is started until a request is to be sent. */
  public synchronized OpenEndpoint of(String role) {
    LlmSettings settings = settings(role);
    String where = settings.fleet().servers() > 0 ? "fleet " + settings.fleet() + " " + settings.model() + " " + settings.modelRevision()
        : settings.endpoint().isEmpty()
        ? "embedded " + settings.engine()
        : settings.endpoint() + " " + settings.model() + " " + settings.modelRevision() + " " + settings.apiKeyEnv() + " " + settings.headers();
    return open.computeIfAbsent(where, k -> OpenEndpoint.of(spark, settings, scratch, dryRun));
  }

  /** A role as one value: its name, settings, endpoint and response cache ({@code cache-dir}, resolved). */
  public Role role(String name) {
    LlmSettings settings = settings(name);
    return new Role(name, settings, of(name), ProjectPaths.resolve(settings.cacheDir()));
  }

  @Override
  public synchronized void close() {
    open.values().forEach(OpenEndpoint::close);
    open.clear();
  }
}
