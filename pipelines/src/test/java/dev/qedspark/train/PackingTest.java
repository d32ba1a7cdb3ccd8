package dev.qedspark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PackingTest {
  @Test
  void sequencesAreSplitUntilEveryShardCanHaveOneWhenTheExamplesAllow() {
    int[] lengths = {2, 6, 3, 5, 4};
    List<Packing.Sequence> packed = Packing.firstFitDecreasing(lengths, 100);
    assertEquals(1, packed.size(), "all five fit one sequence");
    List<Packing.Sequence> four = Packing.atLeast(packed, 4, lengths);
    assertEquals(4, four.size());
    assertEquals(20, four.stream().mapToInt(Packing.Sequence::tokens).sum(), "no token lost or counted twice");
    assertEquals(5, four.stream().mapToInt(s -> s.examples().length).sum());
    assertArrayEquals(new int[] {0}, four.get(1).examples(), "the shortest example leaves first");
    assertEquals(5, Packing.atLeast(packed, 9, lengths).size(), "one example per sequence is as far as it goes");
    assertEquals(packed, Packing.atLeast(packed, 1, lengths), "enough sequences: unchanged");
  }

  @Test
  void firstFitDecreasingPlacesLongestFirstIntoTheFirstSequenceWithRoom() {
    List<Packing.Sequence> packed = Packing.firstFitDecreasing(new int[] {2, 6, 3, 5, 4}, 10);
    assertEquals(2, packed.size());
    assertArrayEquals(new int[] {1, 4}, packed.get(0).examples(), "6 then 4 fill the first sequence");
    assertArrayEquals(new int[] {3, 2, 0}, packed.get(1).examples(), "5, 3, 2 the second");
    assertEquals(10, packed.get(0).tokens());
    assertEquals(10, packed.get(1).tokens());
  }

  @Test
  void everyExampleIsPackedOnceWithinCapacityAndShardsAreBalanced() {
    Random random = new Random(7);
    int[] lengths = random.ints(5_000, 1, 2_049).toArray();
    int capacity = 2_048;
    List<Packing.Sequence> packed = Packing.firstFitDecreasing(lengths, capacity);
    int[] seen = new int[lengths.length];
    long total = 0;
    for (Packing.Sequence s : packed) {
      int sum = Arrays.stream(s.examples()).map(i -> lengths[i]).sum();
      assertEquals(sum, s.tokens());
      assertTrue(sum <= capacity);
      Arrays.stream(s.examples()).forEach(i -> seen[i]++);
      total += sum;
    }
    assertTrue(Arrays.stream(seen).allMatch(n -> n == 1), "each example exactly once");
    long lowerBound = (total + capacity - 1) / capacity;
    assertTrue(packed.size() <= 11 * lowerBound / 9 + 1, packed.size() + " sequences for a lower bound of " + lowerBound);
    int[] shardOf = Packing.balance(packed, 8);
    long[] load = new long[8];
    for (int s = 0; s < packed.size(); s++) {
      load[shardOf[s]] += packed.get(s).tokens();
    }
    long spread = Arrays.stream(load).max().getAsLong() - Arrays.stream(load).min().getAsLong();
    assertTrue(spread <= capacity, "shards differ by at most one sequence's tokens: " + Arrays.toString(load));
  }
}
