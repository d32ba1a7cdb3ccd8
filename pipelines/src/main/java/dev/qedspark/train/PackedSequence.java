package dev.qedspark.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;

/**
 * One packed sequence of a shard, in primitive arrays: between Spark stages it is sized and
 * serialized as a few arrays, not as thousands of boxed token ids (which made Spark's memory
 * accounting cost far more than tokenizing).
 */
record PackedSequence(int shard, int sequence, int[] inputIds, byte[] lossMask, int[] positionIds, int[] segmentIds, int[] cuSeqlens,
    int numTokens, int numTrained, String[] exampleIds) implements Serializable {

  /** One example on its way to a sequence: where it goes and its tokens. */
  record Member(int shard, int sequence, int slot, String exampleId, int[] inputIds, byte[] lossMask) implements Serializable {
    /** From a tokenized row joined with its place in the plan. */
    static Member of(Row r) {
      List<Integer> ids = r.getList(r.fieldIndex("input_ids"));
      List<Byte> mask = r.getList(r.fieldIndex("loss_mask"));
      int[] idArray = new int[ids.size()];
      byte[] maskArray = new byte[mask.size()];
      for (int i = 0; i < idArray.length; i++) {
        idArray[i] = ids.get(i);
        maskArray[i] = mask.get(i);
      }
      return new Member(r.getAs("shard"), r.getAs("sequence"), r.getAs("slot"), r.getAs("example_id"), idArray, maskArray);
    }
  }

  /** The examples of one sequence, in slot order, padded with {@code pad} to {@code seqLen}. */
  static PackedSequence of(Iterable<Member> members, int seqLen, int pad) {
    List<Member> ordered = new ArrayList<>();
    members.forEach(ordered::add);
    ordered.sort(Comparator.comparingInt(Member::slot));
    int[] ids = new int[seqLen];
    byte[] mask = new byte[seqLen];
    int[] positions = new int[seqLen];
    int[] segments = new int[seqLen];
    int[] cu = new int[ordered.size() + 1];
    String[] exampleIds = new String[ordered.size()];
    int at = 0;
    int trained = 0;
    for (int e = 0; e < ordered.size(); e++) {
      Member m = ordered.get(e);
      for (int i = 0; i < m.inputIds().length; i++, at++) {
        ids[at] = m.inputIds()[i];
        mask[at] = m.lossMask()[i];
        trained += m.lossMask()[i];
        positions[at] = i;
        segments[at] = e + 1;
      }
      cu[e + 1] = at;
      exampleIds[e] = m.exampleId();
    }
    int real = at;
    for (int p = 0; at < seqLen; at++, p++) {
      ids[at] = pad;
      positions[at] = p;
    }
    return new PackedSequence(ordered.get(0).shard(), ordered.get(0).sequence(), ids, mask, positions, segments, cu, real, trained, exampleIds);
  }

  /**
   * The sequences of members sorted by key ({@link ShardPartitioner#key}): the members of one
   * sequence are consecutive, so one sequence is held at a time.
   */
  static java.util.Iterator<scala.Tuple2<Long, PackedSequence>> consecutive(java.util.Iterator<scala.Tuple2<Long, Member>> members, int seqLen,
      int pad) {
    return new java.util.Iterator<>() {
      private scala.Tuple2<Long, Member> next = members.hasNext() ? members.next() : null;

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public scala.Tuple2<Long, PackedSequence> next() {
        if (next == null) {
          throw new java.util.NoSuchElementException();
        }
        long key = next._1();
        List<Member> sequence = new ArrayList<>();
        while (next != null && next._1() == key) {
          sequence.add(next._2());
          next = members.hasNext() ? members.next() : null;
        }
        return new scala.Tuple2<>(key, of(sequence, seqLen, pad));
      }
    };
  }

  /** The row of the packed dataset ({@link TrainingShards#PACKED}). */
  Row toRow() {
    return new GenericRowWithSchema(new Object[] {shard, sequence, boxed(inputIds), boxedBytes(lossMask), boxed(positionIds), boxed(segmentIds),
        boxed(cuSeqlens), numTokens, numTrained, seq(Arrays.asList(exampleIds))}, TrainingShards.PACKED);
  }

  /** What the token file holds of it. */
  TokenFile.Sequence toTokenFileSequence() {
    int[] lengths = new int[cuSeqlens.length - 1];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = cuSeqlens[i + 1] - cuSeqlens[i];
    }
    return new TokenFile.Sequence(inputIds, lossMask, lengths);
  }

  static scala.collection.Seq<Integer> boxed(int[] values) {
    return seq(Arrays.stream(values).boxed().toList());
  }

  static scala.collection.Seq<Byte> boxedBytes(byte[] values) {
    List<Byte> out = new ArrayList<>(values.length);
    for (byte b : values) {
      out.add(b);
    }
    return seq(out);
  }

  /** An array column's value as Spark's row encoder wants it (a Scala Seq). */
  private static <T> scala.collection.Seq<T> seq(List<T> values) {
    return scala.collection.JavaConverters.asScalaBuffer(values).toList();
  }
}
