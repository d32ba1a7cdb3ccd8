package dev.qedspark.llm.engine;

import dev.qedspark.common.LocalFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF version 3 files (the llama.cpp model format): a header, typed metadata key-values,
 * tensor descriptions, then 32-byte-aligned tensor data. Only what the project's own tiny test
 * model needs: scalar, string and array metadata, and F32 tensors.
 */
final class GgufWriter {
  private static final int ALIGNMENT = 32;
  private static final int TYPE_UINT32 = 4;
  private static final int TYPE_INT32 = 5;
  private static final int TYPE_FLOAT32 = 6;
  private static final int TYPE_BOOL = 7;
  private static final int TYPE_STRING = 8;
  private static final int TYPE_ARRAY = 9;
  private static final int GGML_TYPE_F32 = 0;

  private final Map<String, Object> metadata = new LinkedHashMap<>();
  private final List<Tensor> tensors = new ArrayList<>();

  /** A tensor: dims innermost first, as ggml counts them. */
  private record Tensor(String name, long[] dims, float[] data) {}

  GgufWriter uint32(String key, int value) {
    metadata.put(key, new Typed(TYPE_UINT32, value));
    return this;
  }

  GgufWriter float32(String key, float value) {
    metadata.put(key, new Typed(TYPE_FLOAT32, value));
    return this;
  }

  GgufWriter bool(String key, boolean value) {
    metadata.put(key, new Typed(TYPE_BOOL, value));
    return this;
  }

  GgufWriter string(String key, String value) {
    metadata.put(key, new Typed(TYPE_STRING, value));
    return this;
  }

  GgufWriter strings(String key, List<String> values) {
    metadata.put(key, new Typed(TYPE_ARRAY, new Array(TYPE_STRING, values)));
    return this;
  }

  GgufWriter floats(String key, List<Float> values) {
    metadata.put(key, new Typed(TYPE_ARRAY, new Array(TYPE_FLOAT32, values)));
    return this;
  }

  GgufWriter ints(String key, List<Integer> values) {
    metadata.put(key, new Typed(TYPE_ARRAY, new Array(TYPE_INT32, values)));
    return this;
  }

  GgufWriter tensor(String name, float[] data, long... dims) {
    long count = 1;
    for (long d : dims) {
      count *= d;
    }
    if (count != data.length) {
      throw new IllegalArgumentException(name + ": " + data.length + " values for dims " + java.util.Arrays.toString(dims));
    }
    tensors.add(new Tensor(name, dims, data));
    return this;
  }

  private record Typed(int type, Object value) {}

  private record Array(int elementType, List<?> values) {}

  /** Writes the file atomically: two servers of a fleet that start at once each write their own copy. */
  void write(Path file) throws IOException {
    LocalFiles.writeAtomically(file, raw -> {
      OutputStream out = new BufferedOutputStream(raw);
      Sink sink = new Sink(out);
      sink.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
      sink.u32(3);
      sink.u64(tensors.size());
      sink.u64(metadata.size());
      for (Map.Entry<String, Object> kv : metadata.entrySet()) {
        sink.string(kv.getKey());
        Typed typed = (Typed) kv.getValue();
        sink.u32(typed.type());
        sink.value(typed.type(), typed.value());
      }
      long offset = 0;
      for (Tensor t : tensors) {
        sink.string(t.name());
        sink.u32(t.dims().length);
        for (long d : t.dims()) {
          sink.u64(d);
        }
        sink.u32(GGML_TYPE_F32);
        sink.u64(offset);
        offset = align((offset + 4L * t.data().length));
      }
      sink.pad();
      for (Tensor t : tensors) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(t.data());
        sink.bytes(buffer.array());
        sink.pad();
      }
      out.flush();
    });
  }

  private static long align(long offset) {
    return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  /** Little-endian primitive writes that keep count of the position for alignment. */
  private static final class Sink {
    private final OutputStream out;
    private long position;

    Sink(OutputStream out) {
      this.out = out;
    }

    void bytes(byte[] b) throws IOException {
      out.write(b);
      position += b.length;
    }

    void u32(long v) throws IOException {
      bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
    }

    void u64(long v) throws IOException {
      bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    void f32(float v) throws IOException {
      bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
    }

    void string(String s) throws IOException {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      u64(utf8.length);
      bytes(utf8);
    }

    void value(int type, Object value) throws IOException {
      switch (type) {
        case TYPE_UINT32, TYPE_INT32 -> u32((Integer) value);
        case TYPE_FLOAT32 -> f32((Float) value);
        case TYPE_BOOL -> bytes(new byte[] {(byte) ((Boolean) value ? 1 : 0)});
        case TYPE_STRING -> string((String) value);
        case TYPE_ARRAY -> {
          Array array = (Array) value;
          u32(array.elementType());
          u64(array.values().size());
          for (Object element : array.values()) {
            value(array.elementType(), element);
          }
        }
        default -> throw new IllegalArgumentException("unsupported GGUF type " + type);
      }
    }

    void pad() throws IOException {
      long padded = align(position);
      if (padded > position) {
        bytes(new byte[(int) (padded - position)]);
      }
    }
  }
}
