package dev.qedspark.llm;

import java.io.Serializable;

/** Dollars per million prompt and completion tokens of one model. */
public record Price(double inputPerMillion, double outputPerMillion) implements Serializable {
  public double cost(long promptTokens, long completionTokens) {
    return (promptTokens * inputPerMillion + completionTokens * outputPerMillion) / 1_000_000d;
  }
}
