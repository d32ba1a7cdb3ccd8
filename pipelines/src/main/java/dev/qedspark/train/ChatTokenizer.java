package dev.qedspark.train;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.qedspark.chat.ChatTemplate;
import dev.qedspark.chat.TemplateException;
import dev.qedspark.common.ConfigException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tokenizer with its chat template: turns a conversation into token ids and a loss mask that is
 * 1 exactly on the assistant turns.
 *
 * <p>The whole conversation is rendered once with the tokenizer's own chat template. Assistant
 * turn {@code i} starts where the rendering of the turns before it, with the generation prompt
 * ({@code <|im_start|>assistant\n} for ChatML), ends; that rendering must be a prefix of the
 * whole. The turn ends with the template's end-of-turn token ({@code eos_token}, e.g.
 * {@code <|im_end|>}), which is trained too, so the model learns to stop. The text is tokenized
 * piece by piece (prompt, turn, prompt, ...) so that the mask falls exactly on turn boundaries.
 *
 * <p>One instance per tokenizer and JVM ({@link #of}): executors load the tokenizer once and share
 * it between tasks (the Hugging Face tokenizer is thread-safe).
 */
public final class ChatTokenizer {
  private static final Map<String, ChatTokenizer> LOADED = new ConcurrentHashMap<>();
  private final HuggingFaceTokenizer tokenizer;
  private final ChatTemplate template;
  private final String endOfTurn;
  private final int padId;
  private final String bosToken;

  private ChatTokenizer(HuggingFaceTokenizer tokenizer, ChatTemplate template, String endOfTurn, int padId, String bosToken) {
    this.tokenizer = tokenizer;
    this.template = template;
    this.endOfTurn = endOfTurn;
    this.padId = padId;
    this.bosToken = bosToken;
  }

  /** The tokenizer of these files, loaded once per JVM. */
  public static ChatTokenizer of(TokenizerFiles files) {
    return LOADED.computeIfAbsent(files.digest(), digest -> load(files));
  }

  private static ChatTokenizer load(TokenizerFiles files) {
    JsonNode config = files.configJson();
    String source = config.path("chat_template").isTextual() ? config.get("chat_template").asText() : null;
    if (source == null) {
      throw new ConfigException("tokenizer_config.json in " + files.source() + " has no chat_template (a single Jinja string)");
    }
    ChatTemplate template;
    try {
      template = ChatTemplate.parse(source);
    } catch (TemplateException e) {
      throw new ConfigException("the chat template of " + files.source() + " cannot be used: " + e.getMessage(), e);
    }
    String eos = tokenText(config.get("eos_token"));
    if (eos == null) {
      throw new ConfigException("tokenizer_config.json in " + files.source() + " names no eos_token: the end of an assistant turn is unknown");
    }
    try {
      HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(new java.io.ByteArrayInputStream(files.tokenizerJson()),
          Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
      String pad = tokenText(config.get("pad_token"));
      long[] padIds = tokenizer.encode(pad == null ? eos : pad).getIds();
      if (padIds.length != 1) {
        throw new ConfigException("the pad token of " + files.source() + " is not a single token");
      }
      return new ChatTokenizer(tokenizer, template, eos, (int) padIds[0], tokenText(config.get("bos_token")));
    } catch (IOException e) {
      throw new ConfigException("cannot load the tokenizer of " + files.source() + ": " + e.getMessage(), e);
    }
  }

  private static String tokenText(JsonNode token) {
    if (token == null || token.isNull()) {
      return null;
    }
    return token.isTextual() ? token.asText() : token.path("content").isTextual() ? token.get("content").asText() : null;
  }

  /** Token ids and loss mask (1 on assistant turns) of one conversation. */
  public record Tokenized(int[] ids, byte[] mask) {
    public int trained() {
      int n = 0;
      for (byte b : mask) {
        n += b;
      }
      return n;
    }
  }

  /** A piece of the rendered conversation and whether it is an assistant turn. */
  public record Piece(String text, boolean trained) {}

  /** The conversation as the chat template renders it, split into prompt and assistant pieces. */
  public List<Piece> pieces(List<Map<String, Object>> messages) throws ExampleRejected {
    if (messages.isEmpty()) {
      throw new ExampleRejected("no_assistant_turn", "the conversation has no messages");
    }
    String full = render(messages, false);
    List<Piece> pieces = new ArrayList<>();
    int cursor = 0;
    for (int i = 0; i < messages.size(); i++) {
      if (!"assistant".equals(messages.get(i).get("role"))) {
        continue;
      }
      String prompt = render(messages.subList(0, i), true);
      if (!full.startsWith(prompt) || prompt.length() < cursor) {
        throw new ExampleRejected("template_mismatch", "the chat template renders the turns before assistant message " + i
            + " differently when later turns follow, so the turn's start cannot be found");
      }
      int end = full.indexOf(endOfTurn, prompt.length());
      if (end < 0) {
        throw new ExampleRejected("no_end_of_turn", "assistant message " + i + " does not end with " + endOfTurn + " in the rendered text");
      }
      end += endOfTurn.length();
      pieces.add(new Piece(full.substring(cursor, prompt.length()), false));
      pieces.add(new Piece(full.substring(prompt.length(), end), true));
      cursor = end;
    }
    if (pieces.isEmpty()) {
      throw new ExampleRejected("no_assistant_turn", "the conversation has no assistant message to train on");
    }
    pieces.add(new Piece(full.substring(cursor), false));
    pieces.removeIf(p -> p.text().isEmpty());
    return pieces;
  }

  /** Token ids and loss mask of a conversation. */
  public Tokenized tokenize(List<Map<String, Object>> messages) throws ExampleRejected {
    List<int[]> parts = new ArrayList<>();
    List<Boolean> trained = new ArrayList<>();
    int total = 0;
    for (Piece piece : pieces(messages)) {
      long[] ids = tokenizer.encode(piece.text()).getIds();
      int[] asInts = new int[ids.length];
      for (int j = 0; j < ids.length; j++) {
        asInts[j] = (int) ids[j];
      }
      parts.add(asInts);
      trained.add(piece.trained());
      total += ids.length;
    }
    int[] ids = new int[total];
    byte[] mask = new byte[total];
    int at = 0;
    for (int p = 0; p < parts.size(); p++) {
      System.arraycopy(parts.get(p), 0, ids, at, parts.get(p).length);
      Arrays.fill(mask, at, at + parts.get(p).length, trained.get(p) ? (byte) 1 : (byte) 0);
      at += parts.get(p).length;
    }
    return new Tokenized(ids, mask);
  }

  /** The chat template's text of {@code messages}. */
  public String render(List<Map<String, Object>> messages, boolean addGenerationPrompt) throws ExampleRejected {
    Map<String, Object> variables = new HashMap<>();
    variables.put("messages", messages);
    variables.put("add_generation_prompt", addGenerationPrompt);
    variables.put("eos_token", endOfTurn);
    if (bosToken != null) {
      variables.put("bos_token", bosToken);
    }
    try {
      return template.render(variables);
    } catch (TemplateException e) {
      throw new ExampleRejected("template_error", e.getMessage());
    }
  }

  /** The text of token ids, special tokens included. */
  public String decode(int[] ids) {
    long[] asLongs = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      asLongs[i] = ids[i];
    }
    return tokenizer.decode(asLongs, false);
  }

  /** The id that fills a packed sequence after its last example. */
  public int padId() {
    return padId;
  }
}
