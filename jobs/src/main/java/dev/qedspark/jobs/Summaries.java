package dev.qedspark.jobs;

import dev.qedspark.curation.CurateReport;
import dev.qedspark.curation.FilterReport;
import dev.qedspark.curation.Pick;
import dev.qedspark.curation.RubricsReport;
import dev.qedspark.eval.EvalMetrics;
import dev.qedspark.eval.EvalSummary;
import dev.qedspark.eval.ResponsesFile;
import dev.qedspark.eval.Scaffold;
import dev.qedspark.llm.LlmCalls;
import dev.qedspark.rl.RlReport;
import dev.qedspark.grading.GradeReport;
import dev.qedspark.sft.SftReport;
import dev.qedspark.ingest.IngestReport;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.OpenEndpoint;
import dev.qedspark.pipeline.Chain;
import dev.qedspark.train.ShardsReport;
import dev.qedspark.train.TrainReport;
import java.io.PrintStream;
import java.util.List;
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
    for (String empty : report.emptySources()) {
      List<String> files = report.sources().get(empty).files();
      out.println("  warning: source " + empty + " holds no records (empty files, a CSV header alone, [] or empty Parquet): "
          + String.join(", ", files.subList(0, Math.min(3, files.size()))) + (files.size() > 3 ? " and " + (files.size() - 3) + " more" : ""));
    }
    out.println("  problems:   " + report.problemsPath());
    out.println("  quarantine: " + report.quarantinePath());
  }

  /** What a chain step's result says, whatever the stage. */
  static void printResult(Object result, OpenEndpoint teacher, PrintStream out) {
    if (result instanceof IngestReport r) {
      printIngest(r, out);
    } else if (result instanceof CurateReport r) {
      printCurate(r, out);
    } else if (result instanceof Pick.Result r) {
      printPick(r, out);
    } else if (result instanceof FilterReport r) {
      printFilter(r, out);
    } else if (result instanceof RubricsReport r) {
      printRubrics(r, out);
    } else if (result instanceof GenerationReport r) {
      printGeneration(r, teacher, out);
    } else if (result instanceof GradeReport r) {
      printGrade(r, out);
    } else if (result instanceof RlReport r) {
      printRl(r, out);
    } else if (result instanceof SftReport r) {
      printSft(r, out);
    } else if (result instanceof Scaffold.Result r) {
      out.printf("scaffold %s: %,d responses from %,d calls%n", r.scaffold(), r.responses(), r.calls());
      printCalls(r, out);
      out.println("  responses: " + r.path());
    } else if (result instanceof ResponsesFile.Result r) {
      printResponses(r, out);
    } else if (result instanceof EvalSummary r) {
      printEval(r, out);
    } else if (result instanceof ShardsReport r) {
      printShards(r, out);
    } else if (result instanceof TrainReport r) {
      printTrain(r, out);
    }
  }

  static void printShards(ShardsReport r, PrintStream out) {
    long rejected = r.rejected().values().stream().mapToLong(Long::longValue).sum();
    if (r.format().equals("packed")) {
      out.printf("shards: %,d examples -> %,d packed into %,d sequences of %,d tokens (%,d truncated, %,d rejected%s), in %.1f s%n",
          r.examples(), r.written(), r.sequences(), r.seqLen(), r.truncated(), rejected, rejected == 0 ? "" : " " + r.rejected(), r.seconds());
      out.printf("  tokens %,d, trained (assistant) %,d, padding %.1f%%; tokens per shard %s%n", r.tokens(), r.trainedTokens(),
          100 * r.paddingFraction(), r.shardTokens());
    } else {
      out.printf("shards: %,d %s rows in %d shards %s, in %.1f s%n", r.written(), r.format(), r.shardTokens().size(), r.shardTokens(), r.seconds());
    }
    out.println("  shards: " + r.dataset() + "/part-NNNNN.parquet");
    if (!r.tokenFiles().isEmpty()) {
      out.println("  token files: " + r.tokenFiles().get(0) + (r.tokenFiles().size() > 1 ? " ... (" + r.tokenFiles().size() + ")" : ""));
    }
  }

  static void printTrain(TrainReport r, PrintStream out) {
    out.printf("train: %d ranks finished on %s in %.1f s%n", r.ranks(), r.hosts().stream().distinct().toList(), r.seconds());
    out.println("  command: " + r.command());
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

  /** One LLM call of a dry run: what a run would ask, what the cache answers, and the estimate for the rest. */
  static void printPlanned(String name, GenerationReport r, PrintStream out) {
    out.printf("  %-24s %,9d requests, %,9d cached, %,9d to send: ~%,d prompt + up to %,d completion tokens, up to $%.4f%s%n",
        name, r.requests(), r.cacheHits(), r.sent(), r.promptTokens(), r.completionTokens(), r.cost(),
        r.sent() > 0 && r.cost() == 0 ? " (no llm.prices for the model)" : "");
    if (r.errors() > 0) {
      out.printf("  %-24s %,9d requests the prompt builder refuses (e.g. no reference to grade against): never sent%n", "", r.errors());
    }
  }

  static void printGrade(GradeReport r, PrintStream out) {
    out.printf("grade: %,d proofs, %,d judgements (%s protocol) in %.1f s; mean score %s of 7%n", r.proofs(), r.judgements(),
        r.protocol(), r.seconds(), r.meanScore() == null ? "-" : String.format("%.2f", r.meanScore()));
    out.println("  judgements by status: " + r.gradesByStatus());
    out.println("  proofs by status:     " + r.scoresByStatus());
    printCalls(r, out);
    if (r.gradesByStatus().getOrDefault("parse_error", 0L) > 0) {
      out.println("  parse_error: the judge answered without a verdict the protocol can read (see the error column);"
          + " such grades have no score and are not counted as 0");
    }
    out.println("  grades: " + r.gradesPath());
    out.println("  scores: " + r.scoresPath());
  }

  static void printPick(Pick.Result r, PrintStream out) {
    out.printf("pick: %,d problems%n", r.problems());
    r.byCondition().forEach((condition, count) -> out.printf("  %,d where %s%n", count, condition));
    out.println("  problems: " + r.path());
  }

  static void printFilter(FilterReport r, PrintStream out) {
    out.printf("filter: %,d kept, dropped %s, tags by status %s, in %.1f s%n", r.kept(), r.droppedByReason(), r.tagsByStatus(), r.seconds());
    printCalls(r, out);
    out.println("  tags:     " + r.tagging().path());
    out.println("  problems: " + r.problemsPath());
    out.println("  dropped:  " + r.droppedPath());
  }

  static void printRubrics(RubricsReport r, PrintStream out) {
    out.printf("rubrics: schemes by status %s, problems by rubric source %s, in %.1f s%n", r.byStatus(), r.byRubricSource(), r.seconds());
    printCalls(r, out);
    out.println("  rubrics:  " + r.rubricsPath());
    out.println("  problems: " + r.problemsPath());
  }

  static void printRl(RlReport r, PrintStream out) {
    out.printf("rl: %,d problems rolled out (%,d without a rubric left out), %,d learnable, in %.1f s%n", r.problems(),
        r.withoutRubric(), r.learnable(), r.seconds());
    printCalls(r, out);
    out.println("  rollout grades by status: " + r.grading().gradesByStatus());
    out.println("  all:       " + r.allPath());
    out.println("  learnable: " + r.learnablePath());
    out.println("  tasks:     " + r.tasksPath());
  }

  /** What each LLM call of a step did: requests, cache, sent, errors, cost. */
  private static void printCalls(LlmCalls calls, PrintStream out) {
    calls.llmCalls().forEach((name, g) -> out.printf("  %s: %,d requests, %,d from the cache, %,d sent, %,d errors, %,d unreadable, $%.4f%n",
        name, g.requests(), g.cacheHits(), g.sent(), g.errors(), g.parseErrors(), g.cost()));
  }

  static void printResponses(ResponsesFile.Result r, PrintStream out) {
    out.printf("responses: %,d for %,d problems%n", r.responses(), r.problems());
    r.quarantined().forEach((id, n) -> out.printf("  left out: %,d for %s, a problem the benchmark's ingest quarantined (see benchmark/quarantine)%n", n, id));
    out.println("  responses: " + r.path());
  }

  static void printEval(EvalSummary s, PrintStream out) {
    EvalMetrics.Stats all = s.overall();
    out.printf("eval: %s, %,d problems, %,d samples (%,d scored) in %.1f s; responses: %s%s%n", s.benchmark(), all.problems(), all.samples(),
        all.scored(), s.seconds(), s.scaffold(), s.callsPerSample() == null || "file".equals(s.scaffold()) ? ""
            : String.format(", %.1f calls and %.0f tokens each", s.callsPerSample(), s.tokensPerSample() == null ? 0.0 : s.tokensPerSample()));
    out.printf("  mean score %s%% of the maximum%s; runs %s (std %s, min %s, max %s); pass@k %s%n", pct(all.meanPercent()),
        all.interval() == null ? "" : String.format(" (interval %s - %s)", pct(all.interval().low()), pct(all.interval().high())),
        all.runMeans().values().stream().map(Summaries::pct).toList(), pct(all.runStd()), pct(all.runMin()), pct(all.runMax()),
        all.passAtK().entrySet().stream().map(e -> "@" + e.getKey() + " " + String.format("%.3f", e.getValue())).toList());
    out.printf("  truncated %.3f, failed %.3f, undecided %.3f; by status %s; decided by %s%n", all.truncatedFraction(), all.failedFraction(),
        all.undecidedFraction(), all.byStatus(), s.methods());
    out.printf("  completion tokens per passing / failing sample: %s / %s; cost $%s / $%s%n", whole(all.tokensPassed()), whole(all.tokensFailed()),
        cents(all.costPassed()), cents(all.costFailed()));
    s.splits().forEach((split, stats) -> out.printf("  %-28s %,5d problems  mean %s%%%n", split, stats.problems(), pct(stats.meanPercent())));
    printCalls(s::judgeCalls, out);
    out.println("  samples: " + s.samplesPath());
    out.println("  report:  " + s.reportPath());
  }

  private static String whole(Double value) {
    return value == null ? "-" : String.format("%,.0f", value);
  }

  private static String cents(Double value) {
    return value == null ? "-" : String.format("%.4f", value);
  }

  private static String pct(Double value) {
    return value == null ? "-" : String.format("%.1f", value);
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
