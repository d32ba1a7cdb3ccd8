package dev.qedspark.llm;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;

/**
 * An inference fleet: OpenAI-compatible servers started as Spark tasks on the cluster's workers
 * for the duration of a job, instead of a fixed {@code llm.endpoint}.
 *
 * @param servers servers to start (0: no fleet)
 * @param command how one server starts; {@code {model}}, {@code {host}} and {@code {port}} are
 *     filled in (the worker's address and a free port)
 * @param gpusPerServer GPUs each server's task asks for (spark task resource {@code gpu})
 * @param startMinutes how long a server may take to answer {@code GET /v1/models}
 */
public record FleetSettings(
    @JsonPropertyDescription("inference servers started as Spark tasks for the job (0: use llm.endpoint or the embedded engine)") int servers,
    @JsonPropertyDescription("command that starts one server; {model}, {host}, {port} are filled in") String command,
    @JsonPropertyDescription("GPUs per server (spark task resource 'gpu'); 0 on CPU") double gpusPerServer,
    @JsonPropertyDescription("minutes a server may take to start answering GET /v1/models") double startMinutes) implements Serializable {

  public static final FleetSettings DEFAULTS = new FleetSettings(0, "vllm serve {model} --host {host} --port {port}", 1, 20);

  public FleetSettings {
    command = command == null ? "" : command.strip();
    if (servers < 0) {
      throw new IllegalArgumentException("fleet.servers must be 0 (no fleet) or more, not " + servers);
    }
    if (servers > 0 && !command.contains("{port}")) {
      throw new IllegalArgumentException("fleet.command must contain {port}, where the server listens: " + command);
    }
    if (gpusPerServer < 0 || startMinutes <= 0) {
      throw new IllegalArgumentException("fleet.gpus-per-server must be 0 or more and fleet.start-minutes more than 0");
    }
  }
}
