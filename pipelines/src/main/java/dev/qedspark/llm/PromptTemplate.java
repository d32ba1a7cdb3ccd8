package dev.qedspark.llm;

import dev.qedspark.common.ConfigException;
import dev.qedspark.common.Hashes;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt template: a text with {@code {{placeholders}}}, versioned by the sha256 of its text.
 * The project's templates are resources ({@code dev/qedspark/prompts/NAME.md}); a user replaces
 * one with {@code prompts.NAME: path/to/file.md}. A line {@code ===== user =====} splits the text
 * into a system message (before) and a user message (after); without it the whole text is the
 * user message.
 *
 * <p>Values are put in once, literally: a value that itself contains {@code {{proof}}} or
 * {@code {{boundary}}} (an untrusted proof, for example) is never expanded.
 */
public final class PromptTemplate implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)\\}\\}");
  static final String USER_MARKER = "===== user =====";
  /** The prompts the project ships (resources {@code dev/qedspark/prompts/NAME.md}). */
  public static final List<String> BUNDLED = List.of("filter", "proof", "rubric", "grade-rubric", "grade-imo-proofbench", "grade-proofbench",
      "answer", "grade-answer", "verify", "refine", "summarize", "retry", "aggregate");

  private final String name;
  private final String text;
  private final String sha256;
  private final String origin;

  private PromptTemplate(String name, String text, String origin) {
    this.name = name;
    this.text = text.replace("\r\n", "\n");
    this.sha256 = Hashes.sha256(this.text);
    this.origin = origin;
  }

  /**
   * The template {@code name}: the file named in {@code overrides} (the {@code prompts} section
   * of the configuration) when there is one, else the bundled one.
   *
   * @param placeholders the values the stage provides; a template that uses another placeholder
   *     is refused now, not when the first request is built
   */
  public static PromptTemplate load(String name, Map<String, String> overrides, List<String> placeholders) {
    for (String overridden : overrides.keySet()) {
      if (!BUNDLED.contains(overridden)) {
        throw new ConfigException("prompts." + overridden + " names no prompt; the prompts are " + BUNDLED);
      }
    }
    PromptTemplate template = overrides.containsKey(name) ? fromFile(name, Path.of(overrides.get(name))) : bundled(name);
    TreeSet<String> unknown = new TreeSet<>(template.placeholders());
    unknown.removeAll(placeholders);
    if (!unknown.isEmpty()) {
      throw new ConfigException("prompt " + name + " (" + template.origin + ") uses " + unknown + ", which this stage does not"
          + " provide; it provides " + placeholders);
    }
    return template;
  }

  static PromptTemplate bundled(String name) {
    try (InputStream in = PromptTemplate.class.getResourceAsStream("/dev/qedspark/prompts/" + name + ".md")) {
      if (in == null) {
        throw new IllegalArgumentException("no bundled prompt named " + name);
      }
      return new PromptTemplate(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the bundled prompt " + name, e);
    }
  }

  private static PromptTemplate fromFile(String name, Path file) {
    try {
      return new PromptTemplate(name, Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new ConfigException("cannot read prompt file " + file + " (prompts." + name + "): " + e.getMessage(), e);
    }
  }

  public String name() {
    return name;
  }

  /** The sha256 of the template's text: what output rows and manifests record. */
  public String sha256() {
    return sha256;
  }

  /** The placeholders the template uses. */
  public TreeSet<String> placeholders() {
    TreeSet<String> used = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      used.add(m.group(1));
    }
    return used;
  }

  /** The prompt with every placeholder replaced by its value; a missing value is a bad request. */
  public Prompt render(Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException("no " + m.group(1) + " for prompt " + name);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    String rendered = out.toString();
    int split = rendered.indexOf(USER_MARKER);
    List<ChatMessage> messages = new ArrayList<>();
    if (split >= 0) {
      messages.add(new ChatMessage("system", rendered.substring(0, split).strip()));
      messages.add(new ChatMessage("user", rendered.substring(split + USER_MARKER.length()).strip()));
    } else {
      messages.add(new ChatMessage("user", rendered.strip()));
    }
    return new Prompt(messages, null);
  }
}
