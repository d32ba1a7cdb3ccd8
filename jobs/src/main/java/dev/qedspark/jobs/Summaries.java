package dev.qedspark.jobs;

import dev.qedspark.curation.CurateReport;
import dev.qedspark.grading.GradeReport;
import dev.qedspark.sft.SftReport;
import dev.qedspark.ingest.IngestReport;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.OpenEndpoint;
import dev.qedspark.pipeline.Chain;
import java.io.PrintStream;
import java.util.Map;
import java.util.stream.Collectors;

/** Short, human-readable summaries of stage results for the terminal. */
final class Summaries {
  private Summaries() {}

  static void printIngest(IngestReport report, PrintStream out) {
    out.printf("ingest: %,d problems, %,d quarantined, in %.1f s%n", report.problems(), report.quarantined(), report.seconds());
    out.printf("  %-22s %-9s %5s %9s %11s  %s%n", "source", "benchmark", "files", "problems", "quarantined", "reasons");
    for (Map.Entry<String, IngestReport.SourceCounts> e : report.sources().entrySet()) {
      IngestReport.SourceCounts c = e.getValue();
      String reasons = c.reasons().entrySet().stream().map(r -> r.getKey() + " " + r.getValue()).collect(Collectors.joining(", "));
      out.printf("  %-22s %-9s %5d %,9d %,11d  %s%n", e.getKey(), c.benchmark() ? "yes" : "", c.files().size(),
          c.problems(), c.quarantined(), reasons);
    }
    out.println("  problems:   " + report.problemsPath());
    out.println("  quarantine: " + report.quarantinePath());
  }

  /** A chain step about to run, or skipped. */
  static void printStep(Chain.Outcome step, PrintStream out) {
    out.println();
    out.printf("[%d/%d] %s: %s%n", step.index(), step.steps(), step.name(),
        step.ran() ? "runs, because " + step.reason() : "skipped, up to date (" + step.path() + ")");
  }

  static void printGeneration(GenerationReport r, OpenEndpoint endpoint, PrintStream out) {
    out.printf("generate: %,d requests (%,d rows) to %s in %.1f s: %,d ok, %,d truncated, %,d errors, %,d not sent%s%n",
        r.requests(), r.rows(), endpoint.model(), r.seconds(), r.ok(), r.truncated(), r.errors(), r.notSent(),
        r.parseErrors() > 0 ? ", " + r.parseErrors() + " unreadable by the parser" : "");
    out.printf("  %,d from the response cache, %,d sent; %,d prompt + %,d completion tokens, $%.4f%n",
        r.cacheHits(), r.sent(), r.promptTokens(), r.completionTokens(), r.cost());
    out.println("  generations: " + r.path());
    if (endpoint.isTinyRandomModel()) {
      out.println("  note: " + OpenEndpoint.TINY_MODEL_NOTICE);
    }
  }

  static void printGrade(GradeReport r, PrintStream out) {
    out.printf("grade: %,d proofs, %,d judgements (%s protocol) in %.1f s; mean score %s of 7%n", r.proofs(), r.judgements(),
        r.protocol(), r.seconds(), r.meanScore() == null ? "-" : String.format("%.2f", r.meanScore()));
    out.println("  judgements by status: " + r.gradesByStatus());
    out.println("  proofs by status:     " + r.scoresByStatus());
    r.judges().forEach((role, g) -> out.printf("  judge %s: %,d requests, %,d from the cache, %,d sent, %,d errors, %,d unreadable, $%.4f%n",
        role, g.requests(), g.cacheHits(), g.sent(), g.errors(), g.parseErrors(), g.cost()));
    if (r.gradesByStatus().getOrDefault("parse_error", 0L) > 0) {
      out.println("  parse_error: the judge answered without a verdict the protocol can read (see the error column);"
          + " such grades have no score and are not counted as 0");
    }
    out.println("  grades: " + r.gradesPath());
    out.println("  scores: " + r.scoresPath());
  }

  static void printSft(SftReport r, PrintStream out) {
    out.printf("sft: %,d proofs in all, %,d problems in default (best-graded proof each), %,d failed generations left out, in %.1f s%n",
        r.proofs(), r.problems(), r.failedGenerations(), r.seconds());
    out.println("  proofs by " + r.gradeColumn() + ": " + r.byGrade());
    out.println("  all:     " + r.allPath());
    out.println("  default: " + r.defaultPath());
  }

  static void printCurate(CurateReport r, PrintStream out) {
    long removed = r.removedByReason().values().stream().mapToLong(Long::longValue).sum();
    out.printf("curate: %,d problems kept, %,d removed (%s), %,d benchmark problems as reference, in %.1f s%n",
        r.curated(), removed, r.removedByReason().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", ")), r.benchmarks(), r.seconds());
    out.printf("  %-22s %8s  %s%n", "source", "kept", "removed");
    r.bySource().forEach((source, outcomes) -> out.printf("  %-22s %,8d  %s%n", source, outcomes.getOrDefault("kept", 0L),
        outcomes.entrySet().stream().filter(e -> !e.getKey().equals("kept")).map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "))));
    out.println("  near-duplicate clusters by size: " + r.clusterSizes());
    out.println("  curated: " + r.curatedPath());
    out.println("  removed: " + r.removedPath());
  }
}
