package dev.qedspark.io;

import java.util.Map;
import java.util.TreeMap;

/**
 * {@code _run.json}: the run that wrote an output folder, and what it wrote. It is written last,
 * so the outputs it names are whole; it also marks which entries of the folder are ours.
 *
 * @param format always {@link #FORMAT}
 * @param step the step or command that ran, e.g. {@code ingest}
 * @param runId a fresh id per run
 * @param fingerprint what the outputs were made from (settings, prompts, inputs)
 * @param complete false when the run finished but left work undone (requests that failed or were
 *     not sent for the budget): such outputs are never up to date, so the next run does the rest
 * @param outputs each output's name in the folder and its digest: a dataset's
 *     {@link Manifest#contentDigest()}, a file's sha256
 * @param codeVersion version and commit of the code that ran
 * @param createdAt ISO-8601 time of the commit
 * @param settings the settings the step used, as fingerprinted (models, sampling, thresholds):
 *     what a dataset card's lineage reads; null in runs written before it was recorded
 */
public record RunManifest(
    String format, String step, String runId, Fingerprint fingerprint, boolean complete, Map<String, String> outputs,
    String codeVersion, String createdAt, com.fasterxml.jackson.databind.JsonNode settings) {

  public static final String FILE_NAME = "_run.json";
  public static final String FORMAT = "qed-run/1";

  public RunManifest {
    outputs = outputs == null ? Map.of() : new TreeMap<>(outputs);
  }
}
