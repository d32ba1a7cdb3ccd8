package dev.qedspark.eval;

import dev.qedspark.common.ConfigException;
import dev.qedspark.common.Suggestions;
import dev.qedspark.grading.JudgeProtocol;
import dev.qedspark.ingest.SourceSpec;
import java.util.List;

/**
 * A benchmark: its problems (a source of the ingest catalog, read with the catalog's column
 * mapping), what kind it is and how it is scored. {@code imo-answerbench} and
 * {@code imo-proofbench} are bundled; {@code proofbench} and any other benchmark are a source a
 * user adds to a catalog of their own ({@code ingest.sources}); their kind and protocol come from
 * the name when it is a known one, else from the caller.
 *
 * @param name the source's name
 * @param kind answers checked against a gold answer, or proofs graded by judges
 * @param protocol the judge protocol for proofs (null for answers)
 * @param source where the problems are and how their columns map
 */
public record Benchmark(String name, Kind kind, JudgeProtocol protocol, SourceSpec source) {
  /** How a benchmark is scored. */
  public enum Kind { ANSWER, PROOF }

  /**
   * The benchmark {@code name} of {@code catalog}.
   *
   * @param kind the kind, for a benchmark whose name does not say it (null otherwise)
   * @param protocol the judge protocol of a proof benchmark whose name does not say it (null otherwise)
   */
  public static Benchmark named(String name, List<SourceSpec> catalog, Kind kind, JudgeProtocol protocol) {
    SourceSpec source = catalog.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new ConfigException(
        "there is no source '" + name + "' in the ingest catalog (ingest.sources)" + Suggestions.closest(name,
            catalog.stream().map(SourceSpec::name).toList()).map(c -> " (did you mean " + c + "?)").orElse("") + "; the benchmarks there are "
            + catalog.stream().filter(SourceSpec::benchmark).map(SourceSpec::name).toList()
            + ". Add a source for a benchmark of your own (see conf/sources.yaml)"));
    Kind known = switch (name) {
      case "imo-answerbench" -> Kind.ANSWER;
      case "imo-proofbench", "proofbench" -> Kind.PROOF;
      default -> null;
    };
    Kind effective = kind != null ? kind : known;
    if (effective == null) {
      throw new ConfigException("say how '" + name + "' is scored: --kind answer (a gold answer to check) or --kind proof (graded by judges)");
    }
    JudgeProtocol effectiveProtocol = null;
    if (effective == Kind.PROOF) {
      effectiveProtocol = protocol != null ? protocol : name.equals("imo-proofbench") ? JudgeProtocol.IMO_PROOFBENCH
          : name.equals("proofbench") ? JudgeProtocol.PROOFBENCH : null;
      if (effectiveProtocol == null) {
        throw new ConfigException("say how the proofs of '" + name + "' are graded: --protocol imo-proofbench, proofbench or rubric");
      }
    }
    return new Benchmark(name, effective, effectiveProtocol, source);
  }
}
