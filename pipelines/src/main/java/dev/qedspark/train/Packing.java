package dev.qedspark.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Packs examples into sequences of {@code capacity} tokens with first-fit decreasing (each
 * example, longest first, goes into the first sequence with room), then spreads the sequences over
 * shards so that every shard holds about the same number of tokens (longest-processing-time: each
 * sequence, fullest first, goes to the shard with the fewest tokens so far).
 *
 * <p>First fit uses a segment tree over the sequences' free space, so packing n examples costs
 * O(n log n). Ties are broken by index, so the same lengths always give the same packing.
 */
public final class Packing {
  private Packing() {}

  /** One packed sequence: the indexes of its examples, in packing order, and its tokens. */
  public record Sequence(int[] examples, int tokens) {}

  /**
   * @param lengths each example's tokens, all at most {@code capacity}
   * @return the sequences, in the order they were opened
   */
  public static List<Sequence> firstFitDecreasing(int[] lengths, int capacity) {
    Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingInt(i -> -lengths[i]).thenComparingInt(i -> i));
    FreeSpace free = new FreeSpace(Math.max(1, lengths.length), capacity);
    List<List<Integer>> bins = new ArrayList<>();
    int[] used = new int[Math.max(1, lengths.length)];
    for (int example : order) {
      if (lengths[example] > capacity || lengths[example] < 1) {
        throw new IllegalArgumentException("example " + example + " has " + lengths[example] + " tokens; sequences hold 1 to " + capacity);
      }
      int bin = free.firstWithRoom(lengths[example]);
      if (bin == bins.size()) {
        bins.add(new ArrayList<>());
      }
      bins.get(bin).add(example);
      used[bin] += lengths[example];
      free.set(bin, capacity - used[bin]);
    }
    List<Sequence> sequences = new ArrayList<>(bins.size());
    for (int b = 0; b < bins.size(); b++) {
      sequences.add(new Sequence(bins.get(b).stream().mapToInt(Integer::intValue).toArray(), used[b]));
    }
    return sequences;
  }

  /**
   * The sequences, split until there are at least {@code count} of them where the examples allow:
   * while there are fewer, the sequence with the most examples (the first on ties) gives its last
   * example, its shortest, to a new sequence. So every one of {@code count} shards can hold a
   * sequence whenever there are at least {@code count} examples.
   */
  public static List<Sequence> atLeast(List<Sequence> packed, int count, int[] lengths) {
    List<Sequence> sequences = new ArrayList<>(packed);
    while (sequences.size() < count) {
      int fullest = 0;
      for (int s = 1; s < sequences.size(); s++) {
        if (sequences.get(s).examples().length > sequences.get(fullest).examples().length) {
          fullest = s;
        }
      }
      if (sequences.isEmpty() || sequences.get(fullest).examples().length < 2) {
        break;
      }
      int[] examples = sequences.get(fullest).examples();
      int moved = examples[examples.length - 1];
      sequences.set(fullest, new Sequence(Arrays.copyOf(examples, examples.length - 1), sequences.get(fullest).tokens() - lengths[moved]));
      sequences.add(new Sequence(new int[] {moved}, lengths[moved]));
    }
    return sequences;
  }

  /** For each sequence, its shard: fullest sequences first, each to the shard with the fewest tokens (lowest index on ties). */
  public static int[] balance(List<Sequence> sequences, int shards) {
    Integer[] order = IntStream.range(0, sequences.size()).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingInt(i -> -sequences.get(i).tokens()).thenComparingInt(i -> i));
    long[] load = new long[shards];
    int[] count = new int[shards];
    int[] shardOf = new int[sequences.size()];
    for (int s : order) {
      int best = 0;
      for (int k = 1; k < shards; k++) {
        if (load[k] < load[best] || load[k] == load[best] && count[k] < count[best]) {
          best = k;
        }
      }
      shardOf[s] = best;
      load[best] += sequences.get(s).tokens();
      count[best]++;
    }
    return shardOf;
  }

  /** Maximum free space over ranges of sequences; unopened sequences have the full capacity. */
  private static final class FreeSpace {
    private final int size;
    private final int[] max;

    FreeSpace(int n, int capacity) {
      int s = 1;
      while (s < n) {
        s <<= 1;
      }
      size = s;
      max = new int[2 * s];
      Arrays.fill(max, capacity);
    }

    /** The lowest index with at least {@code need} free; always exists since there are as many slots as examples. */
    int firstWithRoom(int need) {
      int node = 1;
      while (node < size) {
        node = max[2 * node] >= need ? 2 * node : 2 * node + 1;
      }
      return node - size;
    }

    void set(int index, int free) {
      int node = index + size;
      max[node] = free;
      for (node >>= 1; node >= 1; node >>= 1) {
        max[node] = Math.max(max[2 * node], max[2 * node + 1]);
      }
    }
  }
}
