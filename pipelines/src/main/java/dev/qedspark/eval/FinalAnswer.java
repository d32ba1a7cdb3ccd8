package dev.qedspark.eval;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the final answer in a response: the content of the last {@code \boxed{...}} or
 * {@code \fbox{...}} (braces nested to any depth, inside {@code $...$} or {@code \[...\]} or
 * not), else what follows the last "answer is" / "answer:" in the text. Null when there is none.
 */
public final class FinalAnswer {
  private static final Pattern BOX = Pattern.compile("\\\\(?:boxed|fbox)\\s*\\{");
  private static final Pattern BOX_BARE = Pattern.compile("\\\\boxed\\s+([^\\s$]+)");
  private static final Pattern ANSWER_IS = Pattern.compile("(?i)answer\\s*(?:is|:)\\s*:?\\s*(.+)");

  private FinalAnswer() {}

  public static String of(String response) {
    if (response == null) {
      return null;
    }
    String boxed = lastBoxed(response);
    if (boxed != null) {
      return boxed.strip();
    }
    Matcher bare = BOX_BARE.matcher(response);
    String last = null;
    while (bare.find()) {
      last = bare.group(1);
    }
    if (last != null) {
      return last.strip();
    }
    String[] lines = response.split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      Matcher m = ANSWER_IS.matcher(lines[i]);
      String found = null;
      while (m.find()) {
        found = m.group(1);
      }
      if (found != null) {
        String answer = found.strip().replaceAll("[.\\s]+$", "");
        return answer.isEmpty() ? null : answer;
      }
    }
    return null;
  }

  /** The content of the last box whose braces close; null when there is none. */
  private static String lastBoxed(String text) {
    Matcher m = BOX.matcher(text);
    String last = null;
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
        last = text.substring(m.end(), i - 1);
      }
    }
    return last;
  }
}
