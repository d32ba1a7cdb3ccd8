package dev.qedspark.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** How one LSH bucket becomes candidate pairs: only problems that agree on their numbers and question words are paired. */
class CandidatePairsTest {
  @Test
  void aBucketIsSplitByWhatItsProblemsMustAgreeOnBeforeAnyPairIsFormed() {
    List<Row> bucket = List.of(member(-7, "a"), member(-7, "c"), member(4, "b"), member(4, "d"), member(4, "e"), member(9, "f"));
    assertEquals(List.of("a~c", "b~d", "b~e", "d~e"), pairs(Dedup.candidatePairs(bucket, 3)),
        "pairs within each group only; a lone problem (f) pairs with none");
    assertEquals(List.of("a~c", "b~d", "b~e"), pairs(Dedup.candidatePairs(bucket, 2)),
        "a group larger than the cap is a star from its smallest id, and the other groups keep their pairs");
    assertEquals(List.of(), pairs(Dedup.candidatePairs(List.of(member(1, "x")), 2)));
  }

  private static Row member(long agreeOn, String id) {
    return RowFactory.create(agreeOn, id);
  }

  private static List<String> pairs(List<Row> pairs) {
    return pairs.stream().map(p -> p.getString(0) + "~" + p.getString(1)).toList();
  }
}
