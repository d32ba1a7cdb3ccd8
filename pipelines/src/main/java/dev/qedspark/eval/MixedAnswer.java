package dev.qedspark.eval;

import dev.qedspark.eval.AnswerCheck.Outcome;
import dev.qedspark.eval.AnswerCheck.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An answer of words and mathematics ({@code \frac{n}{2}+1 if n is even}): the words compare as
 * words, ignoring case, and the mathematics between them as mathematics. Equal when the words
 * are the same and every piece of mathematics is equal; different when the words are the same and
 * a piece differs; otherwise a judge's question.
 */
final class MixedAnswer {
  /**
   * A word: two or more letters, not a command ({@code \frac}), not a function name, not a name
   * in capitals ({@code AB}).
   */
  private static final Pattern WORD = Pattern.compile("(?<![\\\\a-zA-Z])(?![A-Z]{2,4}(?![a-zA-Z]))[a-zA-Z]{2,}(?![a-zA-Z])");
  /** A word applied like a function ({@code tr(A)^2}): what its brackets hold is no separate piece. */
  private static final Pattern APPLIED_WORD = Pattern.compile("(?<![\\\\a-zA-Z])[a-zA-Z]{2,}\\s*\\(");

  /** A piece of the answer: a word, or the mathematics between words. */
  private record Piece(boolean word, String text) {}

  private MixedAnswer() {}

  /**
   * Compares two normalized answers piece by piece; {@code mathematics} decides two pieces of
   * mathematics. Null when neither has words (nothing for this rule to decide).
   */
  static Verdict compare(String gold, String answer, BiFunction<String, String, Verdict> mathematics) {
    if (APPLIED_WORD.matcher(gold).find() || APPLIED_WORD.matcher(answer).find()) {
      return new Verdict(Outcome.UNDECIDED, "words", "a word applied like a function");
    }
    List<Piece> expected = pieces(gold);
    List<Piece> given = pieces(answer);
    if (expected.stream().noneMatch(Piece::word) && given.stream().noneMatch(Piece::word)) {
      return null;
    }
    if (expected.size() != given.size()) {
      return new Verdict(Outcome.UNDECIDED, "words", "the answers are not worded alike");
    }
    boolean allEqual = true;
    boolean oneDifferent = false;
    for (int i = 0; i < expected.size(); i++) {
      Piece a = expected.get(i);
      Piece b = given.get(i);
      if (a.word() != b.word() || (a.word() && !a.text().equals(b.text()))) {
        return new Verdict(Outcome.UNDECIDED, "words", "the answers are not worded alike");
      }
      if (!a.word()) {
        Outcome outcome = mathematics.apply(a.text(), b.text()).outcome();
        allEqual &= outcome == Outcome.EQUAL;
        oneDifferent |= outcome == Outcome.DIFFERENT;
      }
    }
    if (allEqual) {
      return new Verdict(Outcome.EQUAL, "words and mathematics", null);
    }
    return oneDifferent ? new Verdict(Outcome.DIFFERENT, "words and mathematics", "the same words with different mathematics")
        : new Verdict(Outcome.UNDECIDED, "words and mathematics", "a piece of mathematics could not be decided");
  }

  private static List<Piece> pieces(String text) {
    List<Piece> pieces = new ArrayList<>();
    Matcher m = WORD.matcher(text);
    int from = 0;
    while (m.find()) {
      if (MathParser.FUNCTIONS.contains(m.group())) {
        continue;
      }
      addMath(pieces, text.substring(from, m.start()));
      pieces.add(new Piece(true, m.group().matches("[A-Z]?[a-z]+") ? m.group().toLowerCase(Locale.ROOT) : m.group()));
      from = m.end();
    }
    addMath(pieces, text.substring(from));
    return pieces;
  }

  /** The mathematics between two words, without the commas and full stops that only punctuate the sentence. */
  private static void addMath(List<Piece> pieces, String between) {
    String math = between.strip().replaceAll("^[,.:]+|[,.:]+$", "").strip();
    if (!math.isEmpty()) {
      pieces.add(new Piece(false, math));
    }
  }
}
