package dev.qedspark.llm.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A tiny llama-architecture model with random weights, made by the project itself so tests and
 * the demo can run the real in-process engine without downloading anything. Its outputs are
 * meaningless text; they are the same for the same prompt and settings (greedy decoding).
 *
 * <p>Shape: 2 layers, 64-wide embeddings, 4 heads, a sentencepiece-style vocabulary of about 400
 * pieces with byte fallback (any text tokenizes), ChatML special tokens and a ChatML chat
 * template, plus {@code <think>} and {@code </think>} pieces. About 600 KB.
 */
public final class TinyModel {
  /** The name the engine reports for this model. */
  public static final String NAME = "qed-tiny-random";

  static final int EMBEDDING = 64;
  static final int LAYERS = 2;
  static final int HEADS = 4;
  static final int FEED_FORWARD = 128;
  static final int CONTEXT = 4096;
  private static final long SEED = 20261129L;
  private static final int END_OF_TURN = 4;

  private static final int TYPE_NORMAL = 1;
  private static final int TYPE_UNKNOWN = 2;
  private static final int TYPE_CONTROL = 3;
  private static final int TYPE_USER_DEFINED = 4;
  private static final int TYPE_BYTE = 6;

  static final String CHAT_TEMPLATE =
      "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
          + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

  private TinyModel() {}

  /** Writes the model to {@code file} (atomically) and returns the file. */
  public static Path write(Path file) throws IOException {
    List<String> tokens = new ArrayList<>();
    List<Integer> types = new ArrayList<>();
    List<Float> scores = new ArrayList<>();
    add(tokens, types, scores, "<unk>", TYPE_UNKNOWN);
    add(tokens, types, scores, "<s>", TYPE_CONTROL);
    add(tokens, types, scores, "</s>", TYPE_CONTROL);
    add(tokens, types, scores, "<|im_start|>", TYPE_CONTROL);
    add(tokens, types, scores, "<|im_end|>", TYPE_CONTROL);
    add(tokens, types, scores, "<think>", TYPE_USER_DEFINED);
    add(tokens, types, scores, "</think>", TYPE_USER_DEFINED);
    for (int b = 0; b < 256; b++) {
      add(tokens, types, scores, String.format("<0x%02X>", b), TYPE_BYTE);
    }
    add(tokens, types, scores, "\u2581", TYPE_NORMAL);
    for (char c = 33; c < 127; c++) {
      add(tokens, types, scores, String.valueOf(c), TYPE_NORMAL);
    }
    for (String word : List.of("Let", "We", "prove", "proof", "the", "that", "and", "is", "of", "for", "all",
        "integer", "integers", "real", "function", "Therefore", "Hence", "so", "if", "then", "$n$", "$x$",
        "$", "=", "+", "\\frac", "\\boxed", "QED", "case", "by", "induction", "claim", "contradiction")) {
      add(tokens, types, scores, "\u2581" + word, TYPE_NORMAL);
    }

    int vocab = tokens.size();
    SplittableRandom random = new SplittableRandom(SEED);
    GgufWriter gguf = new GgufWriter()
        .string("general.architecture", "llama")
        .string("general.name", NAME)
        .uint32("general.alignment", 32)
        .uint32("llama.context_length", CONTEXT)
        .uint32("llama.embedding_length", EMBEDDING)
        .uint32("llama.block_count", LAYERS)
        .uint32("llama.feed_forward_length", FEED_FORWARD)
        .uint32("llama.attention.head_count", HEADS)
        .uint32("llama.attention.head_count_kv", HEADS)
        .uint32("llama.rope.dimension_count", EMBEDDING / HEADS)
        .float32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
        .uint32("llama.vocab_size", vocab)
        .string("tokenizer.ggml.model", "llama")
        .strings("tokenizer.ggml.tokens", tokens)
        .floats("tokenizer.ggml.scores", scores)
        .ints("tokenizer.ggml.token_type", types)
        .uint32("tokenizer.ggml.unknown_token_id", 0)
        .uint32("tokenizer.ggml.bos_token_id", 1)
        .uint32("tokenizer.ggml.eos_token_id", END_OF_TURN)
        .bool("tokenizer.ggml.add_bos_token", false)
        .bool("tokenizer.ggml.add_eos_token", false)
        .string("tokenizer.chat_template", CHAT_TEMPLATE);

    gguf.tensor("token_embd.weight", gaussian(random, EMBEDDING * vocab, 0.5f), EMBEDDING, vocab);
    gguf.tensor("output_norm.weight", ones(EMBEDDING), EMBEDDING);
    float[] output = gaussian(random, EMBEDDING * vocab, 0.5f);
    for (int token = 0; token < vocab; token++) {
      // Silence byte and control pieces (but not <|im_end|>) so greedy output is readable words.
      if (types.get(token) == TYPE_BYTE || (types.get(token) != TYPE_NORMAL && token != END_OF_TURN && types.get(token) != TYPE_USER_DEFINED)) {
        java.util.Arrays.fill(output, token * EMBEDDING, (token + 1) * EMBEDDING, 0f);
      }
    }
    gguf.tensor("output.weight", output, EMBEDDING, vocab);
    for (int layer = 0; layer < LAYERS; layer++) {
      String p = "blk." + layer + ".";
      gguf.tensor(p + "attn_norm.weight", ones(EMBEDDING), EMBEDDING);
      for (String name : List.of("attn_q", "attn_k", "attn_v", "attn_output")) {
        gguf.tensor(p + name + ".weight", gaussian(random, EMBEDDING * EMBEDDING, 0.1f), EMBEDDING, EMBEDDING);
      }
      gguf.tensor(p + "ffn_norm.weight", ones(EMBEDDING), EMBEDDING);
      gguf.tensor(p + "ffn_gate.weight", gaussian(random, EMBEDDING * FEED_FORWARD, 0.1f), EMBEDDING, FEED_FORWARD);
      gguf.tensor(p + "ffn_up.weight", gaussian(random, EMBEDDING * FEED_FORWARD, 0.1f), EMBEDDING, FEED_FORWARD);
      gguf.tensor(p + "ffn_down.weight", gaussian(random, FEED_FORWARD * EMBEDDING, 0.1f), FEED_FORWARD, EMBEDDING);
    }
    gguf.write(file);
    return file;
  }

  private static void add(List<String> tokens, List<Integer> types, List<Float> scores, String piece, int type) {
    tokens.add(piece);
    types.add(type);
    scores.add(type == TYPE_NORMAL ? -1f / piece.length() : 0f);
  }

  private static float[] gaussian(SplittableRandom random, int n, float scale) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (gaussianOf(random) * scale);
    }
    return values;
  }

  /** Box-Muller from the seeded stream, so weights do not depend on the JDK's Random internals. */
  private static double gaussianOf(SplittableRandom random) {
    double u = random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  private static float[] ones(int n) {
    float[] values = new float[n];
    java.util.Arrays.fill(values, 1f);
    return values;
  }
}
