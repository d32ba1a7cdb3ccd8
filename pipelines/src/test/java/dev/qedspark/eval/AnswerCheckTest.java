package dev.qedspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.eval.AnswerCheck.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Answer extraction and equivalence on a labelled table: equal and unequal pairs in many notations, and pathological answers. */
class AnswerCheckTest {
  /** gold | answer | expected outcome */
  private static final String[][] TABLE = {
      // integers, separators, signs
      {"4550", "4550", "EQUAL"},
      {"1000000", "1,000,000", "EQUAL"},
      {"1000000", "1{,}000{,}000", "EQUAL"},
      {"1000000", "1\\,000\\,000", "EQUAL"},
      {"-3", "$-3$", "EQUAL"},
      {"2731365", "2731366", "DIFFERENT"},
      {"0", "-0", "EQUAL"},
      // fractions and decimals
      {"$\\frac{1}{2}$", "0.5", "EQUAL"},
      {"0.5", "\\dfrac{1}{2}", "EQUAL"},
      {"$\\frac{24}{25}$", "\\tfrac{48}{50}", "EQUAL"},
      {"$\\frac{24}{25}$", "0.96", "EQUAL"},
      {"$\\frac{16}{27}$", "0.592", "DIFFERENT"},
      {"$\\frac{1}{3}$", "0.3333333333", "DIFFERENT"},
      {"\\frac{3}{4}", "3/4", "EQUAL"},
      {"\\frac{1}{3}", "\\frac13", "EQUAL"},
      {"\\frac{3}{4}", "\\frac3{4}", "EQUAL"},
      {"\\frac{12}{5}", "\\frac{12}5", "EQUAL"},
      {"\\frac{1}{2}", "\\cfrac{1}{2}", "EQUAL"},
      {"2", "\\frac112", "EQUAL"},
      {"\\frac{1}{3}", "\\frac31", "DIFFERENT"},
      {"\\frac{3}{4}", "\\left(\\frac{3}{4}\\right)", "EQUAL"},
      // radicals, pi, powers
      {"$\\sqrt{2}$", "2^{1/2}", "EQUAL"},
      {"$\\sqrt{2}$", "\\frac{2}{\\sqrt{2}}", "EQUAL"},
      {"$\\sqrt{2}$", "1.41421356", "DIFFERENT"},
      {"$\\frac{a\\sqrt{19}}{2}$", "\\frac{\\sqrt{19}}{2} a", "EQUAL"},
      {"$\\frac{a\\sqrt{19}}{2}$", "\\frac{\\sqrt{19}}{3} a", "DIFFERENT"},
      {"2\\sqrt{3}", "\\sqrt{12}", "EQUAL"},
      {"\\sqrt[3]{27}", "3", "EQUAL"},
      {"\\pi/2", "\\frac{\\pi}{2}", "EQUAL"},
      {"\\pi", "3.14159", "DIFFERENT"},
      {"2\\pi", "\\pi + \\pi", "EQUAL"},
      {"$2^{16} + 1$", "65537", "EQUAL"},
      {"$4\\cdot3^{2023}$", "4 \\times 3^{2023}", "EQUAL"},
      {"$4\\cdot3^{2023}$", "4 \\cdot 3^{2022}", "DIFFERENT"},
      {"$4\\cdot3^{2023}$", "12\\cdot 3^{2022}", "EQUAL"},
      // variables
      {"$(n-2)!$", "(n-2)!", "EQUAL"},
      {"$2025^2 a(a-1)$", "2025^2(a^2 - a)", "EQUAL"},
      {"$2025^2 a(a-1)$", "2025^2 a^2", "DIFFERENT"},
      {"$k=7m+2$", "7m+2", "EQUAL"},
      {"$k=7m+2$", "2+7m", "EQUAL"},
      {"$(2k-1)!!$", "(2k-1)!!", "EQUAL"},
      {"n^2+2n+1", "(n+1)^2", "EQUAL"},
      {"n^2+2n+1", "(n-1)^2", "DIFFERENT"},
      // text wrappers, units, degrees, trailing punctuation
      {"90", "90^\\circ", "EQUAL"},
      {"90", "90^{\\circ}", "EQUAL"},
      {"90", "90 degrees", "EQUAL"},
      {"45", "\\text{45 cm}", "EQUAL"},
      {"7m+2", "7 m + 2", "EQUAL"},
      {"75", "75.", "EQUAL"},
      {"30", "\\boxed30", "UNDECIDED"},
      {"x = 2", "2", "EQUAL"},
      {"2", "x=2", "EQUAL"},
      // sets, lists, alternatives: order does not matter
      {"2, 5", "5, 2", "EQUAL"},
      {"2, 5", "\\{2, 5\\}", "EQUAL"},
      {"2, 5", "x = 2 or x = 5", "EQUAL"},
      {"2, 5", "2, 5, 7", "DIFFERENT"},
      {"\\{1, 2, 3\\}", "\\{3, 1, 2\\}", "EQUAL"},
      // tuples: order matters
      {"$(5, 3, 7)$", "(5,3,7)", "EQUAL"},
      {"$(5, 3, 7)$", "(3,5,7)", "DIFFERENT"},
      {"$(4, 1, 2, 5, 134, 718240)$", "(4,1,2,5,134,718240)", "EQUAL"},
      {"(a, b) = (1, 2)", "(1, 2)", "EQUAL"},
      // intervals and unions
      {"$(-\\infty, -3) \\cup (-3, \\infty)$", "(-3, \\infty) \\cup (-\\infty, -3)", "EQUAL"},
      {"$(-\\infty, -3) \\cup (-3, \\infty)$", "(-\\infty, -3] \\cup (-3, \\infty)", "DIFFERENT"},
      {"[0, 1)", "[0,1)", "EQUAL"},
      {"[0, 1)", "[0,1]", "DIFFERENT"},
      // relations
      {"$n \\ge 2$", "n \\geq 2", "EQUAL"},
      {"$n \\ge 2$", "2 \\le n", "EQUAL"},
      {"$n \\ge 2$", "n > 2", "DIFFERENT"},
      // floor, logarithms, binomials
      {"$\\left\\lfloor \\log_{2}a\\right\\rfloor +1$.", "\\lfloor \\log_2 a \\rfloor + 1", "EQUAL"},
      {"\\binom{10}{3}", "120", "EQUAL"},
      // look-alikes that are not equal
      {"\\frac{1}{23}", "\\frac{12}{3}", "DIFFERENT"},
      {"2^{n+1}", "2^n+1", "DIFFERENT"},
      {"(-1)^n", "-1", "DIFFERENT"},
      {"|x|", "x", "DIFFERENT"},
      {"\\sqrt{x^2}", "x", "DIFFERENT"},
      {"\\lfloor n/2 \\rfloor", "\\frac{n-1}{2}", "DIFFERENT"},
      {"\\frac{\\pi}{10^{45}}", "0", "DIFFERENT"},
      {"x = 1, y = 2", "x = 2, y = 1", "DIFFERENT"},
      {"x = 1, y = 2", "y = 2, x = 1", "EQUAL"},
      // words: compared as text, else left to a judge
      {"even $n$", "even n", "EQUAL"},
      {"All powers of 2\n", "all powers of 2", "EQUAL"},
      {"no solutions", "There are none", "UNDECIDED"},
      {"1 if triangle is isoceles, otherwise 2", "2", "UNDECIDED"},
  };

  @Test
  void theLabelledTableIsDecidedAsLabelled() {
    List<String> wrong = new ArrayList<>();
    for (String[] row : TABLE) {
      AnswerCheck.Verdict v = AnswerCheck.check(row[0], row[1], 5_000);
      if (v.outcome() != Outcome.valueOf(row[2])) {
        wrong.add(row[0] + " vs " + row[1] + ": expected " + row[2] + ", got " + v);
      }
    }
    assertEquals(List.of(), wrong);
  }

  /**
   * Near misses that must never be equal (different, or undecided for a judge): the scope of an
   * exponent or a fraction written with braces, braces inside words, one sign, one constant, one
   * element, and numbers that look alike.
   */
  private static final String[][] NEAR_MISSES = {
      {"2^{n}-1", "2^{n-1}"},
      {"2^{n-1}", "2^{n}-1"},
      {"(n+2a)^{2}-2a^{2}", "(n+2a)^{2-2a^{2}}"},
      {"\\frac{n}{2}+1 \\text{ if } n \\text{ is even}", "\\frac{n}{2+1} \\text{ if } n \\text{ is even}"},
      {"\\frac{n}{2}+1 \\text{ if } n \\text{ is even}", "\\frac{n}{2}-1 \\text{ if } n \\text{ is even}"},
      {"2^{k} \\text{ for every odd } k", "2^{k+1} \\text{ for every odd } k"},
      {"a_{n+1} \\text{ when } n \\text{ is prime}", "a_{n}+1 \\text{ when } n \\text{ is prime}"},
      {"\\frac{1}{12}", "\\frac112"},
      {"2", "\\frac{1}{12}"},
      {"122", "1,22"},
      {"111", "0,111"},
      {"0.111", "0,111"},
      {"\\{1, 2, 3\\}", "\\{1, 2, 4\\}"},
      {"-\\frac{1}{2}", "\\frac{1}{2}"},
      {"x^{2}+1 \\text{ or less}", "x^{2+1} \\text{ or less}"},
  };

  @Test
  void nearMissesAreNeverEqual() {
    List<String> matched = new ArrayList<>();
    for (String[] pair : NEAR_MISSES) {
      for (String[] order : new String[][] {pair, {pair[1], pair[0]}}) {
        AnswerCheck.Verdict v = AnswerCheck.check(order[0], order[1], 5_000);
        if (v.outcome() == Outcome.EQUAL) {
          matched.add(order[0] + " vs " + order[1] + ": " + v);
        }
      }
    }
    assertEquals(List.of(), matched, "false matches");
  }

  @Test
  void pathologicalAnswersAreUndecidedQuicklyNotHungOrCrashed() {
    String digits = "9".repeat(10_000);
    assertEquals(Outcome.EQUAL, AnswerCheck.check(digits, digits + ".", 5_000).outcome(), "a 10,000-digit number compares exactly");
    assertEquals(Outcome.DIFFERENT, AnswerCheck.check(digits, "9".repeat(9_999) + "8", 5_000).outcome());
    AnswerCheck.Verdict tower = AnswerCheck.check("4", "2^2^2^2^2^2", 5_000);
    assertEquals(Outcome.UNDECIDED, tower.outcome());
    assertEquals("too_large", tower.method());
    assertEquals(Outcome.UNDECIDED, AnswerCheck.check("4", "100000!", 5_000).outcome());
    String nested = "{".repeat(5_000) + "1" + "}".repeat(5_000);
    AnswerCheck.Verdict deep = AnswerCheck.check("2", nested, 5_000);
    assertEquals(Outcome.UNDECIDED, deep.outcome(), deep.toString());
    assertTrue(deep.note().contains("nested"), deep.toString());
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
}
