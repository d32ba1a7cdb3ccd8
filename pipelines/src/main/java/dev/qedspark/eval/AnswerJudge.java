package dev.qedspark.eval;

import dev.qedspark.common.Hashes;
import dev.qedspark.llm.AnswerParser;
import dev.qedspark.llm.Completion;
import dev.qedspark.llm.Prompt;
import dev.qedspark.llm.PromptBuilder;
import dev.qedspark.llm.PromptTemplate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The judge for answers the symbolic check cannot decide: the {@code grade-answer} prompt with
 * the problem, the gold answer and the extracted answer (fenced as untrusted data, with verdict
 * tags and marker lines in it made harmless), and a parser that reads the first
 * {@code <verdict>same</verdict>} or {@code <verdict>different</verdict>} after the judge's
 * reasoning into {@code same} (boolean).
 */
public final class AnswerJudge {
  public static final String NAME = "grade-answer";
  public static final List<String> PLACEHOLDERS = List.of("problem", "gold", "answer", "boundary");
  private static final Pattern TAG = Pattern.compile("(?i)<(\\s*/?\\s*)verdict");
  private static final Pattern MARKER = Pattern.compile("(?i)-{3,}(\\s*)(BEGIN|END)(\\s+)ANSWER");
  private static final Pattern VERDICT = Pattern.compile("(?i)<verdict>\\s*(same|different)\\s*</verdict>");

  private AnswerJudge() {}

  /** Builds the judge's prompt from a row with {@code problem}, {@code gold} and {@code extracted_answer}. */
  static final class Prompts implements PromptBuilder {
    private static final long serialVersionUID = 1L;
    private final PromptTemplate template;

    Prompts(PromptTemplate template) {
      this.template = template;
    }

    @Override
    public Prompt build(Row row) {
      String answer = row.getAs("extracted_answer");
      if (answer == null || row.getAs("gold") == null) {
        throw new IllegalArgumentException("a judge needs both the answer and the gold answer");
      }
      String safe = MARKER.matcher(TAG.matcher(answer).replaceAll("\u2039$1verdict")).replaceAll("- - -$1$2$3ANSWER");
      return template.render(Map.of("problem", row.getAs("problem"), "gold", row.getAs("gold"), "answer", safe,
          "boundary", Hashes.sha256(answer).substring(0, 16)));
    }
  }

  /** Reads the verdict. */
  static final class Verdicts implements AnswerParser {
    private static final long serialVersionUID = 1L;

    @Override
    public StructType schema() {
      return new StructType().add("same", DataTypes.BooleanType);
    }

    @Override
    public Object[] parse(Completion answer, Row input) throws Unreadable {
      Matcher m = VERDICT.matcher(answer.proof());
      if (!m.find()) {
        throw new Unreadable("no <verdict>same</verdict> or <verdict>different</verdict> in the judge's answer");
      }
      return new Object[] {m.group(1).equalsIgnoreCase("same")};
    }
  }
}
