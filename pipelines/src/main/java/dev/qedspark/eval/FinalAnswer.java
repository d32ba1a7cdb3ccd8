package dev.qedspark.eval;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the final answer in a response: the content of the last {@code \boxed{...}} or
 * {@code \fbox{...}} (braces nested to any depth, inside {@code $...$} or {@code \[...\]} or
 * not), with the boxes just before it when only "and", "or", commas or a variable's name stand
 * between them ({@code \boxed{-2} and \boxed{1}} is {@code -2, 1}: one box per solution), unless an answer line ("the final answer is $34$", "Answer: 12") comes after it: the
 * last word a response says wins over an intermediate box. Of an answer line, the first math
 * span ({@code $...$}, {@code \(...\)}, {@code \[...\]}) is the answer when it has one, else its
 * first sentence ("12. I hope it is correct." gives 12). Null when there is none.
 */
public final class FinalAnswer {
  private static final Pattern BOX = Pattern.compile("\\\\(?:boxed|fbox)\\s*\\{");
  private static final Pattern BOX_BARE = Pattern.compile("\\\\boxed\\s+([^\\s$]+)");
  private static final Pattern ANSWER_IS = Pattern.compile("(?i)answer\\s*(?:is|:)\\s*:?\\s*");
  private static final Pattern MATH = Pattern.compile("\\$\\$(.+?)\\$\\$|\\$(.+?)\\$|\\\\\\((.+?)\\\\\\)|\\\\\\[(.+?)\\\\\\]");
  /** What may stand between the boxes of one answer: "and", "or", commas, math delimiters, "x =". */
  private static final Pattern BETWEEN_BOXES = Pattern.compile("(?i)[\\s$,;]*(?:(?:and|or)\\b)?[\\s$,;]*(?:[a-z]\\s*=)?[\\s$]*");
  private static final int MAX_SEPARATOR = 40;
  /** The end of a sentence: a full stop then space and a capital letter, as in "12. I hope". */
  private static final Pattern SENTENCE_END = Pattern.compile("\\.\\s+(?=[A-Z])");

  /** A candidate answer and where in the response it ends (a box) or starts (an answer line). */
  private record Found(String answer, int at) {}

  private FinalAnswer() {}

  public static String of(String response) {
    if (response == null) {
      return null;
    }
    Found box = lastBoxed(response);
    if (box == null) {
      box = lastBare(response);
    }
    Found line = lastAnswerLine(response);
    if (box != null && (line == null || line.at() < box.at())) {
      return box.answer().strip();
    }
    return line == null ? null : line.answer();
  }

  /**
   * The content of the last box whose braces close, joined with the boxes right before it that
   * only separators part from it, and where it ends; null when there is none.
   */
  private static Found lastBoxed(String text) {
    Matcher m = BOX.matcher(text);
    java.util.List<int[]> boxes = new java.util.ArrayList<>(); // start of the box, start and end of its content, its end
    while (m.find()) {
      int depth = 1;
      int i = m.end();
      for (; i < text.length() && depth > 0; i++) {
        char c = text.charAt(i);
        if (c == '\\' && i + 1 < text.length()) {
          i++;
        } else if (c == '{') {
          depth++;
        } else if (c == '}') {
          depth--;
        }
      }
      if (depth == 0) {
        boxes.add(new int[] {m.start(), m.end(), i - 1, i});
      }
    }
    if (boxes.isEmpty()) {
      return null;
    }
    int first = boxes.size() - 1;
    // A box nested in the one before it ends inside it: nothing stands between them to join.
    // A separator is short: a longer gap is never read, so no response can make the pattern backtrack at length.
    while (first > 0 && boxes.get(first - 1)[3] <= boxes.get(first)[0] && boxes.get(first)[0] - boxes.get(first - 1)[3] <= MAX_SEPARATOR
        && BETWEEN_BOXES.matcher(text.substring(boxes.get(first - 1)[3], boxes.get(first)[0])).matches()) {
      first--;
    }
    java.util.List<String> parts = new java.util.ArrayList<>();
    for (int[] box : boxes.subList(first, boxes.size())) {
      parts.add(text.substring(box[1], box[2]).strip());
    }
    return new Found(String.join(", ", parts), boxes.get(boxes.size() - 1)[3]);
  }

  /** A box without braces ({@code \boxed 42}): its first word. */
  private static Found lastBare(String text) {
    Matcher bare = BOX_BARE.matcher(text);
    Found last = null;
    while (bare.find()) {
      last = new Found(bare.group(1), bare.end());
    }
    return last;
  }

  /** What follows the last "answer is" / "answer:" of the last line that has one, and where it starts. */
  private static Found lastAnswerLine(String text) {
    for (int lineEnd = text.length(); ; ) {
      int lineStart = text.lastIndexOf('\n', lineEnd - 1) + 1;
      Matcher m = ANSWER_IS.matcher(text).region(lineStart, lineEnd);
      int from = -1;
      while (m.find()) {
        from = m.end();
      }
      if (from >= 0) {
        String answer = answerOf(text.substring(from, lineEnd));
        return answer.isEmpty() ? null : new Found(answer, from);
      }
      if (lineStart == 0) {
        return null;
      }
      lineEnd = lineStart - 1;
    }
  }

  /** The answer in what follows "answer is": its first math span, else its first sentence. */
  private static String answerOf(String rest) {
    Matcher math = MATH.matcher(rest);
    if (math.find()) {
      for (int g = 1; g <= math.groupCount(); g++) {
        if (math.group(g) != null) {
          return math.group(g).strip();
        }
      }
    }
    Matcher end = SENTENCE_END.matcher(rest);
    String sentence = end.find() ? rest.substring(0, end.start()) : rest;
    return sentence.strip().replaceAll("[.\\s]+$", "");
  }
}
