package dev.qedspark.grading;

import dev.qedspark.llm.Prompt;
import dev.qedspark.llm.PromptBuilder;
import dev.qedspark.llm.PromptTemplate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The judge's prompt for one (problem, proof) row under a protocol: the problem, the protocol's
 * references and the proof, made harmless and fenced by {@link UntrustedProof}. A row without a
 * reference the protocol needs is refused (its grade gets status {@code no_reference}).
 */
public final class JudgePrompt implements PromptBuilder {
  private static final long serialVersionUID = 1L;
  /** The placeholders the grading templates may use. */
  public static final List<String> PLACEHOLDERS = List.of("problem", "proof", "boundary", "rubric", "solution", "guidelines");
  static final String NO_REFERENCE = "no reference: ";
  /** The column that holds the proof under review in the judge's input rows. */
  static final String GRADED_PROOF = "graded_proof";

  private final PromptTemplate template;
  private final JudgeProtocol protocol;

  public JudgePrompt(PromptTemplate template, JudgeProtocol protocol) {
    this.template = template;
    this.protocol = protocol;
  }

  @Override
  public Prompt build(Row input) {
    String proof = text(input, GRADED_PROOF);
    Map<String, String> values = new HashMap<>();
    values.put("problem", text(input, Grade.PROBLEM));
    values.put("proof", UntrustedProof.neutralised(proof));
    values.put("boundary", UntrustedProof.boundary(proof));
    for (String reference : protocol.references()) {
      String column = reference.equals("guidelines") ? "rubric" : reference;
      String value = text(input, column);
      if (value.isBlank()) {
        throw new IllegalArgumentException(NO_REFERENCE + "the " + protocol.id() + " protocol needs the problem's " + column);
      }
      values.put(reference, value);
    }
    return template.render(values);
  }

  private static String text(Row row, String column) {
    int i = row.fieldIndex(column);
    return row.isNullAt(i) ? "" : row.getString(i);
  }
}
