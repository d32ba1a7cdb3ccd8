package dev.qedspark.jobs;

import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.stage.Stage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code ./qed grade}: judges grade a dataset of (problem, proof) rows. */
final class GradeJob extends StageCommand {

  @Override
  public String name() {
    return "grade";
  }

  @Override
  public String summary() {
    return "Grade proofs with LLM judges (rubric, imo-proofbench or proofbench protocol)";
  }

  @Override
  public String description() {
    return """
        Reads a dataset of proofs (rows with the key columns, problem and proof: for example
        the generations of ./qed demo or a teacher step) and asks each judge role to grade
        each proof. Protocols:
          rubric          against the problem's rubric; the judge ends with <score>N</score>, 0-7
          imo-proofbench  against the reference solution and grading guidelines; the judge
                          answers <points>N out of 7</points>, N one of 7, 6, 1, 0; first tag counts
          proofbench      against the problem's marking scheme, 0-7, <score>N</score>
        Only the proof's text after the author's reasoning is graded: a proof with none (the
        author stopped before </think>) scores 0 with status truncated and is not sent. The
        proof is untrusted: it is fenced by markers carrying a code made from its hash, and
        anything in it that looks like a verdict tag is altered, so a proof that asks for full
        marks or holds its own <score>7</score> gains nothing.

        Writes OUT/grades (one row per proof, judge and repeat: score, status ok / truncated /
        parse_error / api_error / no_reference, error, the judge's output, tokens, cost),
        OUT/scores (one row per proof: the readable scores aggregated by grading.aggregate,
        their spread, counts per status) and OUT/report.json. Unreadable and failed
        judgements have no score and are counted apart, never as 0.

        Judges are roles (llm.roles.NAME, else llm.*): several --judge make an ensemble.
        Examples:
          ./qed grade --proofs runs/demo/generate/generations --problems runs/demo/ingest/problems \\
              --protocol imo-proofbench --out runs/grade
          ./qed grade --proofs proofs --out graded --judge judge --judge judge2 --aggregate median \\
              --set llm.roles.judge.endpoint=http://judge:8000/v1""";
  }

  @Override
  protected List<OptionSpec> stageOptions() {
    return List.of(
        OptionSpec.required("proofs", "DIR", "a dataset with the key columns, problem and proof"),
        OptionSpec.required("out", "DIR", "output folder for grades/, scores/ and report.json"),
        OptionSpec.value("problems", "DIR", "a problems dataset that supplies problem, solution and rubric by problem_id"),
        OptionSpec.value("protocol", "NAME", "rubric, imo-proofbench or proofbench (grading.protocol)"),
        OptionSpec.repeated("judge", "ROLE", "a role that judges every proof (grading.judges; default: judge)"),
        OptionSpec.value("repeats", "N", "judgements per judge and proof (grading.repeats)"),
        OptionSpec.value("aggregate", "HOW", "min, mean or median of a proof's scores (grading.aggregate)"));
  }

  @Override
  public List<String> configOverrides(Arguments args) {
    List<String> overrides = new ArrayList<>();
    if (args.has("protocol")) overrides.add("grading.protocol=" + args.value("protocol"));
    if (args.has("judge")) overrides.add("grading.judges=[" + String.join(", ", args.values("judge")) + "]");
    if (args.has("repeats")) overrides.add("grading.repeats=" + args.value("repeats"));
    if (args.has("aggregate")) overrides.add("grading.aggregate=" + args.value("aggregate"));
    return overrides;
  }

  @Override
  protected List<String> inputOptions() {
    return List.of("proofs", "problems");
  }

  @Override
  protected Stage<?, ?> stage(Stages stages, Arguments args, PrintStream out) {
    return stages.grade(args.value("proofs"), args.value("problems", null));
  }
}
