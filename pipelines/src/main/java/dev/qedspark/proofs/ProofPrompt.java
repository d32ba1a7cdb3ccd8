package dev.qedspark.proofs;

import dev.qedspark.common.Hashes;
import dev.qedspark.llm.Prompt;
import dev.qedspark.llm.PromptBuilder;
import org.apache.spark.sql.Row;

/** Asks a model to prove one problem: the instruction, then the problem text from column {@code problem}. */
public final class ProofPrompt implements PromptBuilder {
  private static final long serialVersionUID = 1L;

  /** The instruction put before each problem. */
  public static final String INSTRUCTION =
      "Solve the following olympiad problem. Give a complete, rigorous proof: state every claim and"
          + " justify each step, so that a strict grader could check it line by line.";
  private static final String TEMPLATE = INSTRUCTION + "\n\nProblem:\n{problem}";

  /** The prompt's name and the hash of its template, recorded with every output. */
  public static final String NAME = "proof";
  public static final String SHA256 = Hashes.sha256(TEMPLATE);

  @Override
  public Prompt build(Row input) {
    String problem = input.getString(input.fieldIndex("problem"));
    if (problem == null || problem.isBlank()) {
      throw new IllegalArgumentException("the row has no problem text");
    }
    return Prompt.user(TEMPLATE.replace("{problem}", problem));
  }
}
