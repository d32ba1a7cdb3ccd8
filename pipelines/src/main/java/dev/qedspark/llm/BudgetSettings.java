package dev.qedspark.llm;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;

/**
 * Limits on what one run may spend. When one is reached no new request is sent; requests not
 * sent are written as rows with status {@code not_sent}, and a later run with a larger budget
 * sends only those (finished ones come from the cache). 0 means no limit.
 */
public record BudgetSettings(
    @JsonPropertyDescription("stop sending after this many prompt + completion tokens; 0 = no limit") long maxTokens,
    @JsonPropertyDescription("stop sending after this cost in dollars (llm.prices); 0 = no limit") double maxCost)
    implements Serializable {

  public static final BudgetSettings DEFAULTS = new BudgetSettings(0, 0);

  public BudgetSettings {
    if (maxTokens < 0 || maxCost < 0) {
      throw new IllegalArgumentException("budgets must be 0 (no limit) or positive");
    }
  }
}
