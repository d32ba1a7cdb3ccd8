package dev.qedspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.eval.AnswerCheck.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The team's table of answer-checking cases ({@code answer-cases.tsv}): every class of notation
 * with matching and non-matching cases, and near misses (exponent and fraction scope, one sign,
 * one constant, one element) that must never be equal.
 */
class AnswerCasesTest {
  private record Case(int line, String kind, String gold, String response, String expected) {
    Set<Outcome> allowed() {
      if (expected.equals("NOT_EQUAL")) {
        return Set.of(Outcome.DIFFERENT, Outcome.UNDECIDED);
      }
      Set<Outcome> all = new TreeSet<>();
      for (String one : expected.split("_OR_")) {
        all.add(Outcome.valueOf(one));
      }
      return all;
    }
  }

  private static List<Case> cases() throws IOException {
    List<Case> all = new ArrayList<>();
    try (InputStream in = AnswerCasesTest.class.getResourceAsStream("answer-cases.tsv")) {
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].startsWith("#") || lines[i].isBlank()) {
          continue;
        }
        String[] f = lines[i].replace("⏎", "\n").split("\t", -1);
        assertEquals(4, f.length, "line " + (i + 1) + " needs 4 tab-separated fields");
        all.add(new Case(i + 1, f[0], f[1], f[2], f[3]));
      }
    }
    return all;
  }

  private static AnswerCheck.Verdict verdict(Case c) {
    AnswerCheck.Options options = new AnswerCheck.Options(5_000, 0);
    if (c.response().startsWith("@") || c.response().startsWith("%")) {
      FinalAnswer.Extraction mode = c.response().startsWith("@") ? FinalAnswer.Extraction.BOXED : FinalAnswer.Extraction.BOXED_THEN_LAST_MATH;
      return AnswerCheck.explain(c.gold(), c.response().substring(1), mode, options).verdict();
    }
    return AnswerCheck.check(c.gold(), c.response(), options);
  }

  @Test
  void everyCaseIsDecidedAsLabelledAndNoNearMissIsEverEqual() throws IOException {
    List<String> wrong = new ArrayList<>();
    List<String> falseMatches = new ArrayList<>();
    for (Case c : cases()) {
      AnswerCheck.Verdict v = verdict(c);
      if (!c.allowed().contains(v.outcome())) {
        (v.outcome() == Outcome.EQUAL ? falseMatches : wrong).add("line " + c.line() + " [" + c.kind() + "] " + c.gold() + " vs "
            + c.response() + ": expected " + c.expected() + ", got " + v);
      }
    }
    assertEquals(List.of(), falseMatches, "false matches; also wrong: " + wrong);
    assertEquals(List.of(), wrong);
  }

  @Test
  void nearMissesAreNeverEqualInEitherOrder() throws IOException {
    List<String> matched = new ArrayList<>();
    for (Case c : cases()) {
      if (c.kind().startsWith("near") && !c.response().startsWith("@") && !c.response().startsWith("%")
          && AnswerCheck.check(c.response(), c.gold(), 5_000).outcome() == Outcome.EQUAL) {
        matched.add("line " + c.line() + ": " + c.response() + " vs " + c.gold());
      }
    }
    assertEquals(List.of(), matched, "false matches with gold and response swapped");
  }

  @Test
  void theTableCoversEveryClassBothWays() throws IOException {
    List<Case> all = cases();
    long near = all.stream().filter(c -> c.kind().startsWith("near")).count();
    assertTrue(all.size() >= 300, "at least 300 cases, not " + all.size());
    assertTrue(near >= 80, "at least 80 near misses, not " + near);
    Map<String, Set<Boolean>> matching = new TreeMap<>();
    for (Case c : all) {
      if (!c.kind().startsWith("near")) {
        matching.computeIfAbsent(c.kind(), k -> new TreeSet<>()).add(c.allowed().contains(Outcome.EQUAL));
      }
    }
    matching.forEach((kind, both) -> assertEquals(Set.of(true, false), both, kind + " needs matching and non-matching cases"));
  }
}
