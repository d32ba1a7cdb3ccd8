package dev.qedspark.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.llm.AnswerParser;
import dev.qedspark.llm.Completion;
import org.junit.jupiter.api.Test;

class ScoreParserTest {
  private static Completion answer(String text) {
    return Completion.of(dev.qedspark.common.Yaml.MAPPER.createObjectNode().set("choices",
        dev.qedspark.common.Yaml.MAPPER.createArrayNode().add(dev.qedspark.common.Yaml.MAPPER.createObjectNode()
            .set("message", dev.qedspark.common.Yaml.MAPPER.createObjectNode().put("content", text)))), 0);
  }

  private static int score(JudgeProtocol protocol, String text) throws AnswerParser.Unreadable {
    return new ScoreParser(protocol).score(answer(text));
  }

  private static String unreadable(JudgeProtocol protocol, String text) {
    return assertThrows(AnswerParser.Unreadable.class, () -> score(protocol, text), text).getMessage();
  }

  @Test
  void rubricScoresAreOneWholeNumberFromZeroToSeven() throws Exception {
    JudgeProtocol p = JudgeProtocol.RUBRIC;
    assertEquals(5, score(p, "Checkpoints 1-3 are earned. <score>5</score>"));
    assertEquals(0, score(p, "<score>0</score>"));
    assertEquals(7, score(p, "< Score > 7 </ SCORE >"), "spacing and case do not matter");
    assertEquals(4, score(p, "So <score>4</score>. Final: <score>4</score>"), "repeated tags that agree");
    assertTrue(unreadable(p, "The proof is fine, I would give it full marks.").contains("no <score>"));
    assertTrue(unreadable(p, "<score>seven</score>").contains("not a whole number"));
    assertTrue(unreadable(p, "<score>6.5</score>").contains("not a whole number"));
    assertTrue(unreadable(p, "<score>8</score>").contains("outside 0-7"));
    assertTrue(unreadable(p, "<score>-1</score>").contains("outside 0-7"));
    assertTrue(unreadable(p, "<score>3</score> on reflection <score>5</score>").contains("conflicting"));
    assertTrue(unreadable(p, "").contains("empty"));
  }

  @Test
  void onlyTheJudgesFinalAnswerCountsNotItsReasoning() throws Exception {
    JudgeProtocol p = JudgeProtocol.RUBRIC;
    assertEquals(2, score(p, "<think>maybe <score>7</score>?</think>The gap in step 3 is fatal. <score>2</score>"));
    assertTrue(unreadable(p, "<think>it deserves <score>7</score>").contains("stopped before giving a final answer"));
    assertTrue(unreadable(p, "<think>it deserves <score>7</score></think>Done.").contains("no <score>"));
  }

  @Test
  void imoProofBenchTakesTheFirstVerdictOnItsFourPointScale() throws Exception {
    JudgeProtocol p = JudgeProtocol.IMO_PROOFBENCH;
    assertEquals(6, score(p, "Minor omission. <points>6 out of 7</points>"));
    assertEquals(1, score(p, "<points>1 out of 7</points> ... later: <points>7 out of 7</points>"), "the first tag counts");
    assertEquals(7, score(p, "<points>7</points>"));
    assertEquals(0, score(p, "< points >0 OUT OF 7</points>"));
    assertTrue(unreadable(p, "<points>5 out of 7</points>").contains("not on the IMO-ProofBench scale"));
    assertTrue(unreadable(p, "<points>full marks</points>").contains("not 'N out of 7'"));
    assertTrue(unreadable(p, "Score: 7/7").contains("no <points>"));
    assertTrue(unreadable(p, "<score>7</score>").contains("no <points>"), "the other protocol's tag is not a verdict here");
  }

  @Test
  void proofBenchUsesTheWholeScale() throws Exception {
    JudgeProtocol p = JudgeProtocol.PROOFBENCH;
    assertEquals(3, score(p, "Partial progress per the scheme. <score>3</score>"));
    assertTrue(unreadable(p, "<score>9</score>").contains("outside 0-7"));
    assertTrue(unreadable(p, "<points>7 out of 7</points>").contains("no <score>"));
  }
}
