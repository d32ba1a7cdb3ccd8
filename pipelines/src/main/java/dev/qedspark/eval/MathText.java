package dev.qedspark.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites an answer's LaTeX into the plain notation {@link MathParser} reads: math delimiters,
 * sizing ({@code \left}, {@code \right}), spacing and text wrappers go; {@code \dfrac},
 * {@code \tfrac} and {@code \cfrac} become {@code \frac}, whose arguments may be single digits
 * ({@code \frac13}); degree signs, trailing unit words and {@code \text{}} units after a number
 * go; thousands separators ({@code 1,000}, <code>1{,}000</code>, {@code 1\,000}, {@code 1,\!000},
 * a thin space) are dropped; "and" and "or" become {@code \\land} and {@code \\lor}; {@code ;} becomes a comma; {@code \approx} reads as
 * {@code =}; matrices become {@code \matrix{a & b \row c & d}}; a final full stop goes. Commas are
 * thousands separators only in an answer that is one number ({@code 1,000,000}); elsewhere they
 * separate items.
 */
final class MathText {
  private static final Pattern WRAPPER = Pattern.compile("\\\\(?:text|textbf|textit|mathrm|mathbf|mathit|operatorname|mbox)\\s*\\{([^{}]*)}");
  /**
   * A whole answer that is one number with comma separators; "5,134" inside a list stays two
   * numbers, and so does "0,111": no number starts with a 0 before its separators.
   */
  private static final Pattern THOUSANDS = Pattern.compile("^-?[1-9]\\d{0,2}(?:,\\d{3})+(?:\\.\\d+)?$");
  /**
   * Braces around one token group nothing in LaTeX ({@code 2^{n}} is {@code 2^n}, {@code \mathbb{R}}
   * is {@code \mathbb R}); around more they say what belongs together ({@code 2^{n-1}}).
   */
  /**
   * {@code \\frac} takes its two arguments as LaTeX does, a group or a single character each:
   * {@code \\frac13} is 1/3, {@code \\frac3{4}} is 3/4, {@code \\frac{12}5} is 12/5, and
   * {@code \\frac112} is (1/1)2, never 1/12.
   */
  private static final Pattern FRAC_DIGIT_DIGIT = Pattern.compile("\\\\frac\\s*(\\d)\\s*(\\d)");
  private static final Pattern FRAC_DIGIT_GROUP = Pattern.compile("\\\\frac\\s*(\\d)\\s*\\{");
  private static final Pattern FRAC_GROUP_DIGIT = Pattern.compile("\\\\frac\\s*\\{([^{}]*)}\\s*(\\d)");
  /** A word in lower case or capitalized ({@code All}); capitals ({@code AB}, {@code F}) and command names keep their case. */
  private static final Pattern LOWER_CASE_WORD = Pattern.compile("(?<![\\\\a-zA-Z])[A-Z]?[a-z]+(?![a-zA-Z])");
  private static final Pattern ONE_TOKEN = Pattern.compile("\\{(\\\\[a-zA-Z]+`|[^{}\\\\`])}");
  /**
   * Unit words: after a number at the end of an answer ("90 degrees", "12 square units"), or
   * wrapped in {@code \\text{}} right after a number, where single letters count too ({@code 5\\text{ m}});
   * a bare single letter after a number stays a variable ({@code 4 m} is 4m).
   */
  private static final String WORD_UNITS = "(?:degrees?|deg|radians?|(?:square |cubic |sq\\.? )?(?:units?|cm|mm|km|meters?|metres?|inch(?:es)?|feet|foot|ft|yards?|miles?)"
      + "|seconds?|sec|minutes?|min|hours?|hrs?|days?|weeks?|months?|years?|dollars?|cents?|grams?|kg|kilograms?|liters?|litres?|ml|mph|km/h|m/s|people|students|ways)";
  private static final String UNITS = "(?:" + WORD_UNITS + "|m|s|h|g|l|in|rad)";
  private static final Pattern UNIT = Pattern.compile("(?i)(?<=[\\d}])\\s+(" + WORD_UNITS + "(?:\\^\\{?[23]}?)?)\\s*$");
  private static final Pattern TEXT_UNIT = Pattern.compile("(?i)([\\d}])(?:\\s|\\\\[,;:! ]){0,3}\\\\(?:text|mathrm|mbox|textrm)\\s*\\{\\s*(" + UNITS + ")\\s*}(\\^\\{?[23]}?)?");
  private static final Pattern MATRIX = Pattern.compile("\\\\begin\\{([pbB]?matrix)}(.*?)\\\\end\\{\\1}", Pattern.DOTALL);

  private MathText() {}

  /** A normalized answer and the units it was given in ({@code cm}, {@code m^2,degree}), or null. */
  record Normalized(String text, String unit) {}

  /** A number whose digits are grouped by thousands with a LaTeX or Unicode separator; no group of a number that starts with 0. */
  private static final Pattern GROUPED = Pattern.compile(
      "(?<![\\d.])([1-9]\\d{0,2})((?:(?:\\{,}|,\\\\!|\\\\[,;: ]|[\\u2009\\u202F\\u00A0\\u2006])\\d{3})+)(?!\\d)");
  /** A trigonometric function of a number of degrees: {@code \\sin 30^\\circ} is the sine of pi/6. */
  private static final Pattern TRIG_DEGREES = Pattern.compile(
      "\\\\(sin|cos|tan|sec|csc|cot)\\s*(\\(?)\\s*(\\d+(?:\\.\\d+)?)\\s*(?:\\^\\s*\\{?\\s*\\\\circ\\s*}?|°)\\s*(\\)?)");
  private static final Pattern DEGREE = Pattern.compile("\\^\\s*\\{\\s*\\\\circ\\s*}|\\^\\s*\\\\circ|(?<=\\d)\\s*\\\\circ(?![a-zA-Z])|°|\\\\degree(?![a-zA-Z])");

  static String normalize(String answer) {
    return normalized(answer).text();
  }

  static Normalized normalized(String answer) {
    List<String> units = new ArrayList<>();
    String s = answer.strip();
    if (s.contains("\\$")) {
      units.add("dollar");
    }
    s = s.replace("\\$", "").replace("$", "");
    s = s.replace("\\[", "").replace("\\]", "").replace("\\(", "").replace("\\)", "");
    s = MATRIX.matcher(s).replaceAll(m -> Matcher.quoteReplacement("\\matrix{" + m.group(2).replace("\\\\", " \\row ") + "}"));
    Matcher textUnit = TEXT_UNIT.matcher(s);
    while (textUnit.find()) {
      units.add(unitName(textUnit.group(2), textUnit.group(3)));
    }
    s = TEXT_UNIT.matcher(s).replaceAll("$1");
    for (int i = 0; i < 3; i++) {
      s = WRAPPER.matcher(s).replaceAll(m -> Matcher.quoteReplacement(" " + m.group(1) + " "));
    }
    s = s.replaceAll("\\\\(?:left|right|big|Big|bigg|Bigg|bigl|bigr|Bigl|Bigr|displaystyle|textstyle)(?![a-zA-Z])", "");
    // Thousands: 1{,}000, 1,\\!000, 1\\,000, a thin space; a {,} left is a decimal comma (1{,}5).
    s = GROUPED.matcher(s).replaceAll(m -> m.group(1) + m.group(2).replaceAll("\\D", ""));
    s = s.replace("{,}", ".").replace(",\\!", ",");
    s = s.replaceAll("\\\\[,;:! ]|\\\\q?quad(?![a-zA-Z])|~", " ");
    s = s.replaceAll("\\\\[dtc]frac", "\\\\frac");
    s = FRAC_DIGIT_DIGIT.matcher(s).replaceAll("\\\\frac{$1}{$2}");
    s = FRAC_DIGIT_GROUP.matcher(s).replaceAll("\\\\frac{$1}{");
    s = FRAC_GROUP_DIGIT.matcher(s).replaceAll("\\\\frac{$1}{$2}");
    s = TRIG_DEGREES.matcher(s).replaceAll("\\\\$1(($3)*\\\\pi/180)");
    // A degree sign, not the composition f \\circ g.
    if (DEGREE.matcher(s).find()) {
      units.add("degree");
      s = DEGREE.matcher(s).replaceAll("");
    }
    s = s.replaceAll("\\\\(?:cdot|times)(?![a-zA-Z])", "*").replace("\\div", "/").replace("×", "*").replace("·", "*");
    s = s.replaceAll("\\\\(?:leq|le|leqslant)(?![a-zA-Z])|≤", "<=").replaceAll("\\\\(?:geq|ge|geqslant)(?![a-zA-Z])|≥", ">=");
    s = s.replaceAll("\\\\(?:neq|ne)(?![a-zA-Z])|≠", "!=").replaceAll("\\\\lt(?![a-zA-Z])", "<").replaceAll("\\\\gt(?![a-zA-Z])", ">");
    s = s.replace("≈", "\\approx").replaceAll("^\\s*(?:=|\\\\approx(?![a-zA-Z]))", "").replace("±", "\\pm").replace("∓", "\\mp").replace("∈", "\\in");
    s = s.replace(";", ",").replaceAll("\\\\colon(?![a-zA-Z])", ":").replace("\\%", "%");
    s = s.replace("−", "-").replace("π", "\\pi").replace("∞", "\\infty").replace("√", "\\sqrt");
    s = s.replaceAll("(?i)\\s+or\\s+|\\\\vee(?![a-zA-Z])|∨", " \\\\lor ").replaceAll("(?i)\\s+and\\s+|\\\\wedge(?![a-zA-Z])|∧", " \\\\land ");
    s = withoutFinalStop(s);
    Matcher wordUnit = UNIT.matcher(s);
    if (wordUnit.find()) {
      units.add(unitName(wordUnit.group(1), null));
      s = s.substring(0, wordUnit.start());
    }
    if (THOUSANDS.matcher(s).matches()) {
      s = s.replace(",", "");
    }
    return new Normalized(s.replaceAll("\\s+", " ").strip(), units.isEmpty() ? null : String.join(",", units));
  }

  /** A unit as compared: lower case, singular, without spaces or braces, with its exponent. */
  private static String unitName(String word, String exponent) {
    String w = word.toLowerCase(java.util.Locale.ROOT).replaceAll("[\\s{}]", "");
    w = w.matches("deg|degrees?") ? "degree" : w.matches("rad|radians?") ? "radian" : w.length() > 3 && w.endsWith("s") ? w.substring(0, w.length() - 1) : w;
    return w + (exponent == null ? "" : exponent.replaceAll("[\\s{}]", ""));
  }

  /** The text without the full stops and spaces it ends with; a loop, not a backtracking pattern. */
  static String withoutFinalStop(String text) {
    String trimmed = text.stripTrailing();
    if (trimmed.endsWith("...") || trimmed.endsWith("…")) {
      return trimmed; // 3.14... is not 3.14
    }
    int end = text.length();
    while (end > 0 && (text.charAt(end - 1) == '.' || Character.isWhitespace(text.charAt(end - 1)))) {
      end--;
    }
    return text.substring(0, end);
  }

  /**
   * Text compared as text: words in lower case, spacing aside (but not between two digits),
   * braces around a single token ignored, command names kept as written. Braces around more than
   * one token are kept, so {@code 2^{n}-1} and {@code 2^{n-1}} never read the same.
   */
  static String plain(String answer) {
    // Words in lower case, command names as written: \Omega and \omega differ.
    String s = LOWER_CASE_WORD.matcher(normalize(answer)).replaceAll(m -> m.group().toLowerCase(java.util.Locale.ROOT));
    // Spacing aside, except between two digits ("1 6" is not 16); a command's name ends where its
    // letters do (\cosh 1 is not \cos h1).
    s = s.replaceAll("(?<=\\d)\\s+(?=\\d)", "_").replaceAll("(\\\\[a-zA-Z]+)\\s*", "$1`").replaceAll("\\s+", "");
    for (String before = null; !s.equals(before); ) {
      before = s;
      s = ONE_TOKEN.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    }
    return s;
  }

}
