package dev.qedspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.eval.AnswerCheck.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Answer extraction, and pathological answers; the labelled table of equivalences is {@link AnswerCasesTest}. */
class AnswerCheckTest {
  @Test
  void pathologicalAnswersAreUndecidedQuicklyNotHungOrCrashed() {
    String digits = "9".repeat(10_000);
    assertEquals(Outcome.EQUAL, AnswerCheck.check(digits, digits + ".", 5_000).outcome(), "a 10,000-digit number compares exactly");
    assertEquals(Outcome.DIFFERENT, AnswerCheck.check(digits, "9".repeat(9_999) + "8", 5_000).outcome());
    AnswerCheck.Verdict tower = AnswerCheck.check("4", "2^2^2^2^2^2", 5_000);
    assertEquals(Outcome.UNDECIDED, tower.outcome());
    assertEquals("too_large", tower.method());
    assertEquals(Outcome.UNDECIDED, AnswerCheck.check("4", "100000!", 5_000).outcome());
    String nested = "{".repeat(2_000) + "1" + "}".repeat(2_000);
    AnswerCheck.Verdict deep = AnswerCheck.check("2", nested, 5_000);
    assertEquals(Outcome.UNDECIDED, deep.outcome(), deep.toString());
    assertTrue(deep.note().contains("nested"), deep.toString());
    assertEquals(Outcome.UNDECIDED, AnswerCheck.check("2", "10.1_2").outcome(), "a base subscript on a decimal: no crash");
    assertEquals(Outcome.UNDECIDED, AnswerCheck.check("5", "1+".repeat(50_000) + "1").outcome(), "50,000 terms: too long to read, no stack overflow");
    assertEquals("5", FinalAnswer.of("The answer is 5" + " .".repeat(50_000)), "trailing stops are trimmed in one pass");
    assertEquals(Outcome.UNDECIDED, AnswerCheck.check("5", "5" + " .".repeat(50_000) + "x").outcome());
  }

  @Test
  void theFinalAnswerIsTheLastBoxWithNestedBracesElseAnAnswerLine() {
    assertEquals("\\frac{1}{\\sqrt{2}}", FinalAnswer.of("First \\boxed{3}. Finally $\\boxed{\\frac{1}{\\sqrt{2}}}$."));
    assertEquals("7", FinalAnswer.of("\\[ \\fbox{7} \\]"));
    assertEquals("42", FinalAnswer.of("so \\boxed 42"));
    assertEquals("x = 2", FinalAnswer.of("We compute.\nThe answer is x = 2.\n"));
    assertEquals("12", FinalAnswer.of("Answer: 12"));
    assertNull(FinalAnswer.of("I could not finish."));
    assertNull(FinalAnswer.of("unclosed \\boxed{1 + {2}"), "a box that never closes is no answer");
    assertEquals("34", FinalAnswer.of("Final Answer: The final answer is $34$. I hope it is correct."));
    assertEquals("x = 3, y = 4", FinalAnswer.of("Answer: $x = 3$ and $y = 4$"), "the spans of one answer line");
    assertEquals("\\$5", FinalAnswer.of("The answer is $\\$5$."), "an escaped dollar sign is no end of the span");
    assertEquals("2", FinalAnswer.of("The answer is $2$. Check: $2 + 2 = 4$."), "a later sentence's mathematics is no part of it");
    assertEquals("12", FinalAnswer.of("The answer is 12. I hope it is correct."));
    assertEquals("\\frac{1}{2}", FinalAnswer.of("Try \\boxed{2} first; it fails.\nSo the final answer is $\\frac{1}{2}$."),
        "an answer line after the last box is the last word");
    assertEquals("5", FinalAnswer.of("The answer is \\boxed{5}."), "a box on the answer line is the answer");
    assertEquals("x = 2", FinalAnswer.of("Answer: \\(x = 2\\)"));
    assertEquals("-2, 1", FinalAnswer.of("The solutions are \\boxed{-2} and \\boxed{1}."), "one box per solution");
    assertEquals("1", FinalAnswer.of("\\boxed{\\boxed{1}}"), "a box nested in a box: the innermost, and no crash");
    assertEquals("1", FinalAnswer.of("\\boxed{2} and \\boxed{\\boxed{1}}"), "boxes are joined only when nothing nests");
    assertEquals("1", FinalAnswer.of("\\boxed{2}" + " ".repeat(100_000) + "x \\boxed{1}"), "a long gap is no separator, and is not scanned");
    assertEquals("2, 3", FinalAnswer.of("So $x = \\boxed{2}$ or $x = \\boxed{3}$."));
    assertEquals("4", FinalAnswer.of("First we get \\boxed{3}. Checking the cases again shows that the answer is \\boxed{4}."),
        "a box of an earlier step is not part of the answer");
    assertEquals(Outcome.EQUAL, AnswerCheck.check("(2, 1), (1, 2)", FinalAnswer.of("Hence \\boxed{(1,2)} and \\boxed{(2,1)}."), 5_000).outcome());
    assertEquals(Outcome.DIFFERENT, AnswerCheck.check("-2, 1", FinalAnswer.of("\\boxed{-2} and \\boxed{3}"), 5_000).outcome());
  }

  @Test
  void extractionReadsAResponseOnceWhateverItHolds() {
    String unclosed = "\\boxed{".repeat(100_000);
    assertNull(FinalAnswer.of(unclosed), "700 KB of boxes that never close: no answer, read in one pass");
    assertEquals("1", FinalAnswer.of(unclosed + "\\boxed{1}"), "a box that closes inside unclosed ones");
    assertEquals("a \\} b", FinalAnswer.of("\\boxed{a \\} b}"), "an escaped brace closes nothing");
  }

  @Test
  void boxedThenLastMathFallsBackToTheLastMathSpanOnly() {
    String noBox = "We find $x = 3$ and then $y = 5$.";
    assertNull(FinalAnswer.of(noBox, FinalAnswer.Extraction.BOXED));
    assertEquals("y = 5", FinalAnswer.of(noBox, FinalAnswer.Extraction.BOXED_THEN_LAST_MATH));
    assertEquals("4", FinalAnswer.of("So $x = 3$, and \\boxed{4}.", FinalAnswer.Extraction.BOXED_THEN_LAST_MATH), "a box still wins");
    assertEquals("7", FinalAnswer.of("The answer is 7.\nCheck: $7 - 1 = 6$", FinalAnswer.Extraction.BOXED_THEN_LAST_MATH),
        "an answer line wins over later mathematics");
    assertEquals(FinalAnswer.Extraction.BOXED_THEN_LAST_MATH, FinalAnswer.Extraction.of("boxed-then-last-math"));
  }

  @Test
  void aToleranceIsRelativeAndOnlyWhenAskedFor() {
    assertEquals(Outcome.DIFFERENT, AnswerCheck.check("3.14159", "3.1416", 5_000).outcome());
    AnswerCheck.Verdict close = AnswerCheck.check("3.14159", "3.1416", new AnswerCheck.Options(5_000, 1e-4));
    assertEquals(Outcome.EQUAL, close.outcome());
    assertEquals("numeric (tolerance)", close.method());
    assertEquals(Outcome.DIFFERENT, AnswerCheck.check("1000", "1001", new AnswerCheck.Options(5_000, 1e-4)).outcome(), "one in a thousand is beyond 1e-4");
    assertEquals(Outcome.EQUAL, AnswerCheck.check("\\pi", "3.1416", new AnswerCheck.Options(5_000, 1e-4)).outcome());
    assertEquals(Outcome.DIFFERENT, AnswerCheck.check("2731365", "2731366", new AnswerCheck.Options(5_000, 1e-6)).outcome(),
        "two whole numbers are equal exactly or not at all, whatever the tolerance");
  }

  @Test
  void anExplanationShowsEveryStep() {
    AnswerCheck.Explanation e = AnswerCheck.explain("\\frac{1}{2}", "Hence $\\boxed{0.5}$.", FinalAnswer.Extraction.BOXED, AnswerCheck.Options.DEFAULTS);
    assertEquals("0.5", e.extracted());
    assertEquals("\\frac{1}{2}", e.goldNormalized());
    assertEquals("0.5", e.answerNormalized());
    assertEquals(new AnswerCheck.Verdict(Outcome.EQUAL, "symbolic", null), e.verdict());
  }
}
