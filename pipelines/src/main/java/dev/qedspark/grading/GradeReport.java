package dev.qedspark.grading;

import dev.qedspark.common.Status;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmCalls;
import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a grading run did, written as {@code report.json}.
 *
 * @param protocol the judge protocol
 * @param promptSha256 the hash of the judge prompt's template
 * @param proofs proofs in
 * @param judgements grade rows: proofs x judges x repeats
 * @param gradesByStatus grade rows per status: ok, truncated, parse_error, api_error, no_reference
 * @param scoresByStatus proofs per final status
 * @param meanScore the mean final score of the proofs that have one (truncated ones count as 0)
 * @param judges what each judge role's LLM calls did
 * @param seconds wall time
 * @param gradesPath the grades dataset (one row per judgement)
 * @param scoresPath the scores dataset (one row per proof)
 */
public record GradeReport(
    String protocol,
    String promptSha256,
    long proofs,
    long judgements,
    Map<String, Long> gradesByStatus,
    Map<String, Long> scoresByStatus,
    Double meanScore,
    Map<String, GenerationReport> judges,
    double seconds,
    String gradesPath,
    String scoresPath) implements LlmCalls, StageResult {
  @Override
  public void print(PrintStream out) {
    out.printf("grade: %,d proofs, %,d judgements (%s protocol) in %.1f s; mean score %s of 7%n", proofs, judgements, protocol, seconds,
        meanScore == null ? "-" : String.format("%.2f", meanScore));
    out.println("  judgements by status: " + gradesByStatus);
    out.println("  proofs by status:     " + scoresByStatus);
    printCalls(out);
    if (gradesByStatus.getOrDefault(Status.PARSE_ERROR.id(), 0L) > 0) {
      out.println("  parse_error: the judge answered without a verdict the protocol can read (see the error column);"
          + " such grades have no score and are not counted as 0");
    }
    out.println("  grades: " + gradesPath);
    out.println("  scores: " + scoresPath);
  }

  @Override
  public Map<String, GenerationReport> llmCalls() {
    Map<String, GenerationReport> calls = new LinkedHashMap<>();
    judges.forEach((role, report) -> calls.put("graded by " + role, report));
    return calls;
  }
}
