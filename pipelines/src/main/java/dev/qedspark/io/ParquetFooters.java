package dev.qedspark.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * Makes Parquet footers byte-identical across JVMs. parquet-mr collects each column chunk's
 * encodings in a {@code HashSet} of enum constants, whose iteration order follows identity hash
 * codes and so differs from one JVM to the next; the same rows then give files whose footers list
 * the same encodings in another order. Sorting that list makes the bytes depend on the rows alone.
 */
final class ParquetFooters {
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private ParquetFooters() {}

  /** Rewrites {@code file} with its encodings sorted, if they were not; returns whether it did. */
  static boolean canonicalize(FileSystem fs, Path file) throws IOException {
    Path rewritten = new Path(file.getParent(), "." + file.getName() + ".canonical");
    if (!fs.exists(file) && fs.exists(rewritten)) {
      // an earlier attempt was stopped between removing the shard and renaming its copy
      if (!fs.rename(rewritten, file)) {
        throw new IOException("cannot rename " + rewritten + " to " + file);
      }
    }
    long length = fs.getFileStatus(file).getLen();
    byte[] footer;
    long footerStart;
    try (FSDataInputStream in = fs.open(file)) {
      byte[] tail = new byte[8];
      in.readFully(length - 8, tail);
      if (!Arrays.equals(Arrays.copyOfRange(tail, 4, 8), MAGIC)) {
        throw new IOException(file + " is not a Parquet file");
      }
      int footerLength = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      footerStart = length - 8 - footerLength;
      footer = new byte[footerLength];
      in.readFully(footerStart, footer);
    }
    FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(footer));
    for (RowGroup group : metadata.getRow_groups()) {
      for (ColumnChunk chunk : group.getColumns()) {
        chunk.getMeta_data().getEncodings().sort(Comparator.comparingInt(Encoding::getValue));
      }
    }
    ByteArrayOutputStream canonical = new ByteArrayOutputStream(footer.length);
    Util.writeFileMetaData(metadata, canonical);
    if (Arrays.equals(canonical.toByteArray(), footer)) {
      return false;
    }
    try (InputStream in = fs.open(file); OutputStream out = fs.create(rewritten, true)) {
      copy(in, out, footerStart);
      canonical.writeTo(out);
      out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(canonical.size()).array());
      out.write(MAGIC);
    }
    if (!fs.delete(file, false) || !fs.rename(rewritten, file)) {
      throw new IOException("cannot replace " + file + " with its canonical copy " + rewritten);
    }
    return true;
  }

  private static void copy(InputStream in, OutputStream out, long bytes) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long left = bytes;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException("file ended " + left + " bytes early");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }
}
