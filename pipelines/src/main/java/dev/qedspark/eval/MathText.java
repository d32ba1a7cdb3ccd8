package dev.qedspark.eval;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites an answer's LaTeX into the plain notation {@link MathParser} reads: math delimiters,
 * sizing ({@code \left}, {@code \right}), spacing and text wrappers go; {@code \dfrac} and
 * {@code \tfrac} become {@code \frac}; degree signs and trailing unit words go; thousands
 * separators ({@code 1,000}, <code>1{,}000</code>, {@code 1\,000}) are dropped; "and"/"or" become
 * commas; a final full stop goes. Commas are thousands separators only in an answer that is one
 * number ({@code 1,000,000}); elsewhere they separate items.
 */
final class MathText {
  private static final Pattern WRAPPER = Pattern.compile("\\\\(?:text|textbf|textit|mathrm|mathbf|mathit|operatorname|mbox)\\s*\\{([^{}]*)}");
  /** A whole answer that is one number with comma separators; "5,134" inside a list stays two numbers. */
  private static final Pattern THOUSANDS = Pattern.compile("^-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?$");
  private static final Pattern UNIT = Pattern.compile("(?i)(?<=[\\d}])\\s+(?:degrees?|deg|cm|mm|km|meters?|units?|square units|seconds?|minutes?|hours?|days?|dollars?|cents?)\\s*$");

  private MathText() {}

  static String normalize(String answer) {
    String s = answer.strip();
    s = s.replace("\\$", "").replace("$", "");
    s = s.replace("\\[", "").replace("\\]", "").replace("\\(", "").replace("\\)", "");
    for (int i = 0; i < 3; i++) {
      s = WRAPPER.matcher(s).replaceAll(m -> Matcher.quoteReplacement(" " + m.group(1) + " "));
    }
    s = s.replaceAll("\\\\(?:left|right|big|Big|bigg|Bigg|bigl|bigr|Bigl|Bigr|displaystyle|textstyle)(?![a-zA-Z])", "");
    s = s.replace("{,}", "");
    s = s.replaceAll("(?<=\\d)\\\\[,;: ](?=\\d{3})", "");
    s = s.replaceAll("\\\\[,;:! ]|\\\\q?quad(?![a-zA-Z])|~", " ");
    s = s.replaceAll("\\\\[dt]frac", "\\\\frac");
    s = s.replaceAll("\\^\\s*\\{\\s*\\\\circ\\s*}|\\^\\s*\\\\circ|\\\\circ|°|\\\\degree", "");
    s = s.replaceAll("\\\\(?:cdot|times)(?![a-zA-Z])", "*").replace("\\div", "/").replace("×", "*").replace("·", "*");
    s = s.replaceAll("\\\\(?:leq|le|leqslant)(?![a-zA-Z])|≤", "<=").replaceAll("\\\\(?:geq|ge|geqslant)(?![a-zA-Z])|≥", ">=");
    s = s.replaceAll("\\\\(?:neq|ne)(?![a-zA-Z])|≠", "!=").replaceAll("\\\\lt(?![a-zA-Z])", "<").replaceAll("\\\\gt(?![a-zA-Z])", ">");
    s = s.replace("−", "-").replace("π", "\\pi").replace("∞", "\\infty").replace("√", "\\sqrt");
    s = s.replaceAll("(?i)\\s+(?:and|or)\\s+", ", ");
    s = s.replaceAll("[.\\s]+$", "");
    if (THOUSANDS.matcher(s).matches()) {
      s = s.replace(",", "");
    }
    s = UNIT.matcher(s).replaceAll("");
    return s.replaceAll("\\s+", " ").strip();
  }

  /** Text compared as text: lower case, spacing and LaTeX command backslashes ignored. */
  static String plain(String answer) {
    return normalize(answer).toLowerCase().replace("\\", "").replaceAll("[\\s{}]+", "");
  }
}
