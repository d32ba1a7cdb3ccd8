package dev.qedspark.eval;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the final answer in a response: the content of the last {@code \boxed{...}} or
 * {@code \fbox{...}} (braces nested to any depth, inside {@code $...$} or {@code \[...\]} or
 * not), with the boxes just before it when only "and", "or", commas or a variable's name stand
 * between them ({@code \boxed{-2} and \boxed{1}} is {@code -2, 1}: one box per solution), unless
 * an answer line ("the final answer is $34$", "Answer: 12") comes after it: the last word a
 * response says wins over an intermediate box. Of an answer line, the first math span
 * ({@code $...$}, {@code \(...\)}, {@code \[...\]}) and the spans that only "and", "or" or
 * commas part from it are the answer when it has one, else its first sentence ("12. I hope it is
 * correct." gives 12). With
 * {@link Extraction#BOXED_THEN_LAST_MATH}, a response with neither gives its last math span.
 * Null when there is none. Time is linear in the response's length.
 */
public final class FinalAnswer {
  /** Where an answer may come from ({@code eval.answer-extraction}). */
  public enum Extraction {
    /** A box, else an answer line. */
    BOXED("boxed"),
    /** A box, else an answer line, else the last math span. */
    BOXED_THEN_LAST_MATH("boxed-then-last-math");

    private final String id;

    Extraction(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    /** The mode a setting names. */
    public static Extraction of(String id) {
      for (Extraction mode : values()) {
        if (mode.id.equals(id)) {
          return mode;
        }
      }
      throw new IllegalArgumentException("answer-extraction must be boxed or boxed-then-last-math, not " + id);
    }
  }

  private static final Pattern BOX = Pattern.compile("\\\\(?:boxed|fbox)\\s*\\{");
  private static final Pattern BOX_BARE = Pattern.compile("\\\\boxed\\s+([^\\s$]+)");
  private static final Pattern ANSWER_IS = Pattern.compile("(?i)answer\\s*(?:is|:)\\s*:?\\s*");
  /** A math span: {@code $$...$$}, {@code $...$} (an escaped {@code \\$} inside is a dollar sign), {@code \\(...\\)}, {@code \\[...\\]}. */
  private static final Pattern MATH = Pattern.compile(
      "\\$\\$(.+?)\\$\\$|(?<!\\\\)\\$((?:\\\\.|[^\\\\$])++)\\$|\\\\\\((.+?)\\\\\\)|\\\\\\[(.+?)\\\\\\]", Pattern.DOTALL);
  /** What may stand between the boxes of one answer: "and", "or", commas, math delimiters, "x =". */
  private static final Pattern BETWEEN_BOXES = Pattern.compile("(?i)[\\s$,;]*(?:(?:and|or)\\b)?[\\s$,;]*(?:[a-z]\\s*=)?[\\s$]*");
  private static final int MAX_SEPARATOR = 40;
  /** The end of a sentence: a full stop then space and a capital letter, as in "12. I hope". */
  private static final Pattern SENTENCE_END = Pattern.compile("\\.\\s+(?=[A-Z])");

  /** A candidate answer and where in the response it ends (a box) or starts (an answer line). */
  private record Found(String answer, int at) {}

  private FinalAnswer() {}

  /** The final answer as {@link Extraction#BOXED} finds it. */
  public static String of(String response) {
    return of(response, Extraction.BOXED);
  }

  public static String of(String response, Extraction extraction) {
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
    if (line != null) {
      return line.answer();
    }
    return extraction == Extraction.BOXED_THEN_LAST_MATH ? lastMath(response) : null;
  }

  /**
   * The content of the last box whose braces close, joined with the boxes right before it that
   * only separators part from it, and where it ends; null when there is none. One pass over the
   * text with a stack of the boxes still open.
   */
  private static Found lastBoxed(String text) {
    List<int[]> boxes = new ArrayList<>(); // start of the box, start and end of its content, its end
    Deque<int[]> open = new ArrayDeque<>(); // start of the box, start of its content, brace depth inside it
    Matcher m = BOX.matcher(text);
    int next = m.find() ? m.start() : -1;
    int depth = 0;
    for (int i = 0; i < text.length(); i++) {
      if (i == next) {
        depth++;
        open.push(new int[] {m.start(), m.end(), depth});
        i = m.end() - 1;
        next = m.find(m.end()) ? m.start() : -1;
        continue;
      }
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length() && (text.charAt(i + 1) == '{' || text.charAt(i + 1) == '}')) {
        i++; // an escaped brace groups nothing
      } else if (c == '{') {
        depth++;
      } else if (c == '}') {
        if (!open.isEmpty() && open.peek()[2] == depth) {
          int[] box = open.pop();
          boxes.add(new int[] {box[0], box[1], i, i + 1});
        }
        depth = Math.max(0, depth - 1);
      }
    }
    if (boxes.isEmpty()) {
      return null;
    }
    boxes.sort(java.util.Comparator.comparingInt(b -> b[0])); // in the order they open: of nested boxes, the innermost is the last
    int first = boxes.size() - 1;
    // A box nested in the one before it ends inside it: nothing stands between them to join.
    // A separator is short: a longer gap is never read, so no response can make the pattern backtrack at length.
    while (first > 0 && boxes.get(first - 1)[3] <= boxes.get(first)[0] && boxes.get(first)[0] - boxes.get(first - 1)[3] <= MAX_SEPARATOR
        && BETWEEN_BOXES.matcher(text.substring(boxes.get(first - 1)[3], boxes.get(first)[0])).matches()) {
      first--;
    }
    List<String> parts = new ArrayList<>();
    for (int[] box : boxes.subList(first, boxes.size())) {
      parts.add(text.substring(box[1], box[2]).strip());
    }
    return new Found(String.join(", ", parts), boxes.get(boxes.size() - 1)[3]);
  }

  /** The content of the last math span, or null. */
  private static String lastMath(String text) {
    Matcher math = MATH.matcher(text);
    String last = null;
    while (math.find()) {
      last = firstGroup(math);
    }
    return last;
  }

  private static String firstGroup(Matcher math) {
    for (int g = 1; g <= math.groupCount(); g++) {
      if (math.group(g) != null) {
        return math.group(g).strip();
      }
    }
    return null;
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
      // "$x = 3$ and $y = 4$": spans that only "and", "or" or commas part are one answer.
      List<String> spans = new ArrayList<>(List.of(firstGroup(math)));
      int end = math.end();
      while (math.find() && math.start() - end <= MAX_SEPARATOR && BETWEEN_BOXES.matcher(rest.substring(end, math.start())).matches()) {
        spans.add(firstGroup(math));
        end = math.end();
      }
      return String.join(", ", spans);
    }
    Matcher end = SENTENCE_END.matcher(rest);
    String sentence = end.find() ? rest.substring(0, end.start()) : rest;
    return MathText.withoutFinalStop(sentence.strip());
  }
}
