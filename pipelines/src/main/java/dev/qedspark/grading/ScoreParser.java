package dev.qedspark.grading;

import dev.qedspark.llm.AnswerParser;
import dev.qedspark.llm.Completion;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a judge's verdict under a {@link JudgeProtocol}, from its final answer only (the text
 * after its reasoning). Every way an answer can fail is a {@link Unreadable} with the reason,
 * never a score of 0: no tag, a tag whose content is not a whole number, a number off the
 * protocol's scale, tags that disagree (rubric and proofbench), or no final answer at all.
 */
public final class ScoreParser implements AnswerParser {
  private static final long serialVersionUID = 1L;
  private static final Pattern SCORE = Pattern.compile("(?is)<\\s*score\\s*>(.*?)<\\s*/\\s*score\\s*>");
  private static final Pattern POINTS = Pattern.compile("(?is)<\\s*points\\s*>(.*?)<\\s*/\\s*points\\s*>");
  private static final Pattern POINTS_VALUE = Pattern.compile("(?i)\\s*(-?\\d+)\\s*(?:out\\s+of\\s+7)?\\s*");
  private static final Set<Integer> IMO_POINTS = Set.of(0, 1, 6, 7);

  private final JudgeProtocol protocol;

  public ScoreParser(JudgeProtocol protocol) {
    this.protocol = protocol;
  }

  @Override
  public StructType schema() {
    return new StructType().add(Grade.SCORE, DataTypes.IntegerType);
  }

  @Override
  public Object[] parse(Completion answer, Row input) throws Unreadable {
    return new Object[] {score(answer)};
  }

  /** The verdict of one judge answer. */
  public int score(Completion answer) throws Unreadable {
    String verdict = answer.proof();
    if (verdict == null || verdict.isBlank()) {
      throw new Unreadable(answer.reasoning() != null ? "the judge stopped before giving a final answer" : "the judge's answer is empty");
    }
    return protocol == JudgeProtocol.IMO_PROOFBENCH ? points(verdict) : score(verdict);
  }

  private static int score(String verdict) throws Unreadable {
    Matcher m = SCORE.matcher(verdict);
    List<Integer> found = new ArrayList<>();
    while (m.find()) {
      String value = m.group(1).strip();
      if (!value.matches("-?\\d+")) {
        throw new Unreadable("<score> holds '" + abbreviate(value) + "', not a whole number");
      }
      found.add(Integer.parseInt(value));
    }
    if (found.isEmpty()) {
      throw new Unreadable("no <score>N</score> in the judge's answer");
    }
    if (found.stream().distinct().count() > 1) {
      throw new Unreadable("the judge gave conflicting scores " + found);
    }
    return inRange(found.get(0));
  }

  /** IMO-ProofBench: the first tag counts, and only 7, 6, 1 and 0 are on the scale. */
  private static int points(String verdict) throws Unreadable {
    Matcher m = POINTS.matcher(verdict);
    if (!m.find()) {
      throw new Unreadable("no <points>N out of 7</points> in the judge's answer");
    }
    Matcher value = POINTS_VALUE.matcher(m.group(1));
    if (!value.matches()) {
      throw new Unreadable("<points> holds '" + abbreviate(m.group(1).strip()) + "', not 'N out of 7'");
    }
    int points = Integer.parseInt(value.group(1));
    if (!IMO_POINTS.contains(points)) {
      throw new Unreadable(points + " points is not on the IMO-ProofBench scale (7, 6, 1, 0)");
    }
    return points;
  }

  private static int inRange(int score) throws Unreadable {
    if (score < 0 || score > JudgeProtocol.MAX_SCORE) {
      throw new Unreadable("score " + score + " is outside 0-" + JudgeProtocol.MAX_SCORE);
    }
    return score;
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
