package dev.qedspark.text;

import com.johnsnowlabs.nlp.DocumentAssembler;
import com.johnsnowlabs.nlp.annotators.DocumentNormalizer;
import com.johnsnowlabs.nlp.annotators.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Math-aware normalization of problem text, as a Spark NLP pipeline of rule-based annotators
 * (nothing pretrained, nothing downloaded).
 *
 * <p>In order: LaTeX math delimiters become {@code $} ({@code $$}, {@code \[ \]}, {@code \( \)});
 * sizing and spacing commands go ({@code \left}, {@code \right}, {@code \big}, {@code \,},
 * {@code \quad}, {@code \displaystyle}, ...); synonyms map to one form ({@code \dfrac} and
 * {@code \tfrac} to {@code \frac}, {@code \leq} to {@code \le}, ...); boilerplate prefixes go
 * ("Problem 3.", "(USAMO 2019)", and leading enumerators: "Q7)", "7.", "(7)", "#7", "Exercise 3.2",
 * "[7 points]"); case and white space fold. Digits and LaTeX commands stay as
 * tokens, so problems that differ only in their constants stay different.
 *
 * <p>Adds {@code normalized} (string) and {@code tokens} (array of strings) to the input rows.
 */
public final class MathNormalizer {
  /** What stands apart as a token besides words: a LaTeX command, a number, any other symbol. */
  public static final String TOKEN_PATTERN = "\\\\[a-zA-Z]+|[0-9]+|[^\\sa-zA-Z0-9]";

  /** Pattern groups and what each becomes, applied in this order. */
  private record Rule(String replacement, String... patterns) {}

  private static final List<Rule> RULES = List.of(
      new Rule(" \\$ ", "\\$\\$", "\\\\\\[", "\\\\\\]", "\\\\\\(", "\\\\\\)"),
      new Rule(" ", "\\\\(left|right|big|Big|bigg|Bigg)[lrm]?(?![a-zA-Z])", "\\\\[,;:! ]",
          "\\\\(quad|qquad|displaystyle|textstyle|scriptstyle|limits|nolimits)(?![a-zA-Z])", "~"),
      new Rule("\\\\frac", "\\\\[dt]frac(?![a-zA-Z])"),
      new Rule("\\\\le", "\\\\(leq|leqslant)(?![a-zA-Z])"),
      new Rule("\\\\ge", "\\\\(geq|geqslant)(?![a-zA-Z])"),
      new Rule("\\\\ne", "\\\\neq(?![a-zA-Z])"),
      new Rule("\\\\cdot", "\\\\times(?![a-zA-Z])(?=\\s*[0-9a-zA-Z(])", "\\\\ast(?![a-zA-Z])"),
      new Rule("\\\\to", "\\\\rightarrow(?![a-zA-Z])"),
      new Rule("{", "\\\\lbrace(?![a-zA-Z])", "\\\\\\{"),
      new Rule("}", "\\\\rbrace(?![a-zA-Z])", "\\\\\\}"),
      // Leading enumerators are not part of the problem: its numbers must not count them. Each rule
      // is one pass, anchored at the start, so "Problem 7 [7 points]" loses both in turn.
      new Rule("", "^\\s*\\[[^\\[\\]]{0,40}(?i:points?|pts|marks?)\\s*]\\s*"),
      new Rule("", "^\\s*(?i:problem|question|exercise|task|prob|ex|q)\\s*\\.?\\s*#?\\s*[0-9]+(?:\\.[0-9]+)*[a-z]?\\s*[.:)]?\\s+",
          "^\\s*#\\s*[0-9]+(?:\\.[0-9]+)*[.:)]?\\s+",
          "^\\s*\\(?[0-9]{1,3}(?:\\.[0-9]{1,3})*[.):]\\s+"),
      new Rule("", "^\\s*\\[[^\\[\\]]{0,40}(?i:points?|pts|marks?)\\s*]\\s*"),
      new Rule("", "^\\s*(?i:problem|question|exercise|task)\\s*[0-9]*[a-z]?\\s*[.:)]\\s*",
          // A source in brackets names a year ("(USAMO 2019)"); "(x+10)^2 = 5" is mathematics and stays.
          "^\\s*\\([^()$]{0,60}(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])[^()$]{0,30}\\)\\s*[.:]?\\s*",
          "^\\s*\\[[^\\[\\]$]{0,60}(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])[^\\[\\]$]{0,30}]\\s*[.:]?\\s*"),
      // Last: every token apart, so splitting at spaces gives commands, words, numbers, symbols.
      new Rule(" $1 ", "(" + TOKEN_PATTERN + ")"));

  private MathNormalizer() {}

  /**
   * The pipeline for a text column. Its only fitted stage, the tokenizer, learns nothing from the
   * data, so fitting on any rows (even none) gives the same model.
   */
  public static PipelineModel fit(Dataset<Row> rows, String textColumn) {
    List<PipelineStage> stages = new ArrayList<>();
    DocumentAssembler document = new DocumentAssembler();
    document.setInputCol(textColumn);
    document.setOutputCol("nlp_document_0");
    document.setCleanupMode("shrink");
    stages.add(document);
    int step = 0;
    for (Rule rule : RULES) {
      stages.add(normalizer("nlp_document_" + step, "nlp_document_" + (step + 1), rule.patterns(), rule.replacement(), false));
      step++;
    }
    stages.add(normalizer("nlp_document_" + step, "nlp_normalized", new String[] {"\\s+"}, " ", true));
    Tokenizer tokenizer = new Tokenizer();
    tokenizer.setInputCols(new String[] {"nlp_normalized"});
    tokenizer.setOutputCol("nlp_tokens");
    stages.add(tokenizer);
    return new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(rows);
  }

  private static DocumentNormalizer normalizer(String input, String output, String[] patterns, String replacement, boolean lowercase) {
    DocumentNormalizer normalizer = new DocumentNormalizer();
    normalizer.setInputCols(new String[] {input});
    normalizer.setOutputCol(output);
    normalizer.setAction("clean");
    normalizer.setPatterns(patterns);
    normalizer.setReplacement(replacement);
    normalizer.setPolicy("all");
    normalizer.setLowercase(lowercase);
    return normalizer;
  }

  /** Adds {@code normalized} and {@code tokens}, and drops the pipeline's working columns. */
  public static Dataset<Row> apply(PipelineModel model, Dataset<Row> rows) {
    Dataset<Row> annotated = model.transform(rows)
        .withColumn("normalized", org.apache.spark.sql.functions.expr("trim(nlp_normalized.result[0])"))
        .withColumn("tokens", org.apache.spark.sql.functions.expr("nlp_tokens.result"));
    List<String> working = new ArrayList<>();
    for (String column : annotated.columns()) {
      if (column.startsWith("nlp_")) {
        working.add(column);
      }
    }
    return annotated.drop(working.toArray(String[]::new));
  }
}
