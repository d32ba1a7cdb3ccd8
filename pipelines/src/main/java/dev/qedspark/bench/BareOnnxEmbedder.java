package dev.qedspark.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.qedspark.text.SentenceEmbedder;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The embedding baseline: the same model, tokenizer and pooling as {@link SentenceEmbedder}, run
 * by ONNX Runtime's Java API directly in one thread with ONNX Runtime's default threads (one per
 * core), texts sorted by length and cut into batches of 32. This is what a user would write
 * without Spark or DJL.
 */
final class BareOnnxEmbedder implements AutoCloseable {
  static final int BATCH = 32;
  private final HuggingFaceTokenizer tokenizer;
  private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  BareOnnxEmbedder() throws IOException, OrtException {
    SentenceEmbedder.ModelFiles files = SentenceEmbedder.unpacked();
    tokenizer = SentenceEmbedder.newTokenizer(files.tokenizer());
    session = environment.createSession(files.model().toString(), new OrtSession.SessionOptions());
  }

  /** Embeds every text; returns how many were embedded. */
  int embedAll(List<String> texts) throws OrtException {
    List<String> sorted = new ArrayList<>(texts);
    sorted.sort(Comparator.comparingInt(String::length));
    int done = 0;
    for (int start = 0; start < sorted.size(); start += BATCH) {
      done += embed(sorted.subList(start, Math.min(sorted.size(), start + BATCH))).length;
    }
    return done;
  }

  float[][] embed(List<String> texts) throws OrtException {
    SentenceEmbedder.Batch batch = SentenceEmbedder.encode(tokenizer, texts);
    long[] shape = {batch.size(), batch.length()};
    try (OnnxTensor inputIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.ids()), shape);
        OnnxTensor attention = OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.mask()), shape);
        OnnxTensor typeIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.types()), shape);
        OrtSession.Result result = session.run(Map.of("input_ids", inputIds, "attention_mask", attention, "token_type_ids", typeIds))) {
      FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
      float[] flat = new float[hidden.remaining()];
      hidden.get(flat);
      return SentenceEmbedder.meanPooled(flat, batch.mask(), batch.size(), batch.length());
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
    tokenizer.close();
  }
}
