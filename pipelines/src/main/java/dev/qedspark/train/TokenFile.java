package dev.qedspark.train;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A shard's packed sequences as one flat, memory-mappable file, for trainers that mmap their data
 * instead of reading Parquet. Little-endian throughout:
 *
 * <pre>
 * header (32 bytes): magic "QEDTOKS1", int32 seq_len, int32 0, int64 sequences, int64 examples
 * sequences:         per sequence, uint32 input_ids[seq_len] then uint8 loss_mask[seq_len]
 * example index:     int64 start[examples] (token offset from the first sequence), then int32 length[examples]
 * </pre>
 *
 * <p>In numpy: {@code np.memmap(path, dtype=[("input_ids", "<u4", (seq_len,)), ("loss_mask", "u1",
 * (seq_len,))], offset=32, shape=(sequences,))}. Token ids are uint32 because vocabularies pass
 * 65,536 (Qwen3 has 151,669 tokens). The writer needs the counts up front, which the packing plan
 * knows, so it streams each shard once.
 */
public final class TokenFile {
  public static final byte[] MAGIC = "QEDTOKS1".getBytes(StandardCharsets.US_ASCII);
  public static final int HEADER_BYTES = 32;

  private TokenFile() {}

  /** One packed sequence as the file stores it. */
  public record Sequence(int[] inputIds, byte[] lossMask, int[] exampleLengths) {}

  /** Writes {@code sequences} (each exactly {@code seqLen} long) of one shard. */
  public static void write(OutputStream target, int seqLen, long sequences, long examples, Iterable<Sequence> rows) throws IOException {
    long[] starts = new long[Math.toIntExact(examples)];
    int[] lengths = new int[starts.length];
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(target, 1 << 20));
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).putInt(seqLen).putInt(0).putLong(sequences).putLong(examples);
    out.write(header.array());
    ByteBuffer ids = ByteBuffer.allocate(4 * seqLen).order(ByteOrder.LITTLE_ENDIAN);
    long written = 0;
    int example = 0;
    for (Sequence s : rows) {
      if (s.inputIds().length != seqLen || s.lossMask().length != seqLen) {
        throw new IllegalArgumentException("a packed sequence has " + s.inputIds().length + " tokens, not " + seqLen);
      }
      ids.clear();
      ids.asIntBuffer().put(s.inputIds());
      out.write(ids.array());
      out.write(s.lossMask());
      long offset = written * seqLen;
      for (int length : s.exampleLengths()) {
        starts[example] = offset;
        lengths[example++] = length;
        offset += length;
      }
      written++;
    }
    if (written != sequences || example != examples) {
      throw new IllegalStateException("the token file was planned for " + sequences + " sequences and " + examples
          + " examples but got " + written + " and " + example);
    }
    ByteBuffer index = ByteBuffer.allocate(12 * starts.length).order(ByteOrder.LITTLE_ENDIAN);
    index.asLongBuffer().put(starts);
    index.position(8 * starts.length);
    index.slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(lengths);
    out.write(index.array());
    out.flush();
  }

  /** The file name of shard {@code shard}. */
  public static String name(int shard) {
    return String.format("tokens-%05d.bin", shard);
  }

  static List<String> names(int shards) {
    return java.util.stream.IntStream.range(0, shards).mapToObj(TokenFile::name).toList();
  }
}
