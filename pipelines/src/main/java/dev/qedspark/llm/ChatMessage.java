package dev.qedspark.llm;

import java.io.Serializable;

/** One chat message, as in the OpenAI Chat Completions API and in the SFT {@code messages} column. */
public record ChatMessage(String role, String content) implements Serializable {}
