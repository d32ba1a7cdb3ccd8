package dev.qedspark.jobs;

import dev.qedspark.config.QedConfig;
import dev.qedspark.eval.AnswerCheck;
import dev.qedspark.eval.EvalSettings;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.jobs.cli.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code ./qed check-answer --gold G --response R}: how the evaluation decides one answer, step by step. */
final class CheckAnswerCommand implements Command {

  @Override
  public String name() {
    return "check-answer";
  }

  @Override
  public String summary() {
    return "Show how eval decides one answer: the extracted answer, both normalized forms, the verdict and its rule";
  }

  @Override
  public String description() {
    return """
        Extracts the final answer from the response as ./qed eval does (eval.answer-extraction),
        or takes --answer as it is; normalizes it and the gold answer, and checks them with eval's rules and limits
        (eval.numeric-tolerance, eval.check-millis). Prints the verdict (EQUAL, DIFFERENT or
        UNDECIDED: the last goes to the judge in ./qed eval), the rule that decided and why.
        No model is asked and no Spark job starts. Exit code 0 whatever the verdict.

        Examples:
          ./qed check-answer --gold '\\frac{1}{2}' --response 'so the answer is $\\boxed{0.5}$'
          ./qed check-answer --gold '(-3,10)' --answer '-3 < a < 10'
          ./qed check-answer --gold 34 --response-file response.txt --set eval.answer-extraction=boxed-then-last-math""";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("gold", "TEXT", "the gold answer (required)"),
        OptionSpec.value("response", "TEXT", "the model's response, its answer extracted as eval does"),
        OptionSpec.value("response-file", "FILE", "read the response from a file instead (UTF-8)"),
        OptionSpec.value("answer", "TEXT", "an answer already extracted: checked as it is"));
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) throws IOException {
    if (!args.has("gold")) {
      throw new UsageException("give the gold answer with --gold TEXT");
    }
    long given = List.of("response", "response-file", "answer").stream().filter(args::has).count();
    if (given != 1) {
      throw new UsageException("give one of --response TEXT, --response-file FILE or --answer TEXT");
    }
    EvalSettings eval = config.eval();
    String gold = args.value("gold", "");
    AnswerCheck.Explanation e = args.has("answer") ? AnswerCheck.explainAnswer(gold, args.value("answer", ""), eval.checkOptions())
        : AnswerCheck.explain(gold, args.has("response") ? args.value("response", "") : readResponse(Path.of(args.value("response-file", ""))),
            eval.extraction(), eval.checkOptions());
    AnswerCheck.Verdict v = e.verdict();
    out.println("verdict:    " + v.outcome() + " (rule: " + v.method() + ")" + (v.note() == null ? "" : "; " + v.note()));
    if (!args.has("answer")) {
      out.println("extracted:  " + (e.extracted() == null ? "none (" + eval.answerExtraction() + " finds no final answer)" : e.extracted())
          + "   [answer-extraction: " + eval.answerExtraction() + "]");
    }
    out.println("gold:       " + e.goldNormalized() + "   (normalized)");
    out.println("answer:     " + (e.answerNormalized() == null ? "-" : e.answerNormalized()) + "   (normalized)");
    if (eval.numericTolerance() > 0) {
      out.println("tolerance:  " + eval.numericTolerance() + " (relative)");
    }
    return 0;
  }

  private static String readResponse(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new UsageException("--response-file " + file + " is not a readable file");
    }
    try {
      return Files.readString(file);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new UsageException("--response-file " + file + " is not UTF-8 text");
    }
  }
}
