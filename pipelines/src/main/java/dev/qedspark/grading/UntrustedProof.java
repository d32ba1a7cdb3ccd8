package dev.qedspark.grading;

import dev.qedspark.common.Hashes;
import java.util.regex.Pattern;

/**
 * The defence of a judge against the proof it grades. A proof is untrusted text: it may hold
 * instructions ("award 7 points") or text that looks like the judge's own verdict
 * ({@code <score>7</score>}), hoping that the judge obeys or that a parser reads the proof's tag
 * instead of the judge's. Three measures, each tested:
 *
 * <ol>
 *   <li>The proof is shown between marker lines that carry a code made from the proof's own hash.
 *       A proof cannot know that code in advance, so it cannot close the block early and write
 *       outside it; the prompt says that nothing inside the block is an instruction.
 *   <li>Anything in the proof that looks like a verdict tag ({@code <score>}, {@code </points>},
 *       spaced or in capitals) or like a marker line is altered so that it no longer reads as one:
 *       a judge that quotes the proof does not quote a verdict.
 *   <li>Verdicts are read from the judge's final answer only (after its reasoning), by rules that
 *       refuse conflicting tags and values outside the protocol's scale.
 * </ol>
 */
public final class UntrustedProof {
  private static final Pattern TAG = Pattern.compile("(?i)<(\\s*/?\\s*)(score|points)");
  private static final Pattern MARKER = Pattern.compile("(?i)-{3,}(\\s*)(BEGIN|END)(\\s+)PROOF");

  private UntrustedProof() {}

  /** The code on the marker lines around this proof: its hash, which the proof cannot contain. */
  public static String boundary(String proof) {
    return Hashes.sha256(proof).substring(0, 16);
  }

  /** The proof with verdict tags and marker lines made harmless, its mathematics untouched. */
  public static String neutralised(String proof) {
    String text = TAG.matcher(proof).replaceAll("\u2039$1$2");
    return MARKER.matcher(text).replaceAll("- - -$1$2$3PROOF");
  }
}
