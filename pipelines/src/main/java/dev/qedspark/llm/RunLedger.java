package dev.qedspark.llm;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * What one run has done and spent, in this JVM: counters for progress lines, the budget check,
 * and the rate limiter. Tasks of a run on the same executor share one ledger (found by run id);
 * in local mode that is the whole run, on a cluster each executor keeps its own share.
 */
public final class RunLedger {
  /** The ledgers of the last runs seen in this JVM; executors never hear that a run ended, so old ones are dropped. */
  private static final Map<String, RunLedger> LEDGERS = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RunLedger> eldest) {
          return size() > 64;
        }
      });

  final AtomicLong sent = new AtomicLong();
  final AtomicLong finished = new AtomicLong();
  final AtomicLong cacheHits = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong promptTokens = new AtomicLong();
  final AtomicLong completionTokens = new AtomicLong();
  final DoubleAdder cost = new DoubleAdder();
  private final BudgetSettings budget;
  private final double ratePerSecond;
  private long nextStartNanos = System.nanoTime();

  private RunLedger(BudgetSettings budget, double ratePerSecond) {
    this.budget = budget;
    this.ratePerSecond = ratePerSecond;
  }

  /** The ledger of a run in this JVM, made on first use with the run's share of the limits. */
  public static RunLedger of(String runId, BudgetSettings budget, double ratePerSecond) {
    return LEDGERS.computeIfAbsent(runId, id -> new RunLedger(budget, ratePerSecond));
  }

  /** Forgets a finished run. */
  public static void release(String runId) {
    LEDGERS.remove(runId);
  }

  /** Why no new request may be sent, or null while the budget lasts. */
  public String budgetExhausted() {
    long tokens = promptTokens.get() + completionTokens.get();
    if (budget.maxTokens() > 0 && tokens >= budget.maxTokens()) {
      return "token budget reached: " + tokens + " of " + budget.maxTokens() + " tokens spent";
    }
    if (budget.maxCost() > 0 && cost.sum() >= budget.maxCost()) {
      return String.format("cost budget reached: $%.4f of $%.4f spent", cost.sum(), budget.maxCost());
    }
    return null;
  }

  /** Blocks until the rate limit allows one more request to start. */
  public void awaitRate() throws InterruptedException {
    if (ratePerSecond <= 0) {
      return;
    }
    long waitNanos;
    synchronized (this) {
      long now = System.nanoTime();
      long start = Math.max(now, nextStartNanos);
      nextStartNanos = start + (long) (1e9 / ratePerSecond);
      waitNanos = start - now;
    }
    if (waitNanos > 0) {
      Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
    }
  }

  void record(boolean cached, boolean failed, long prompt, long completion, double dollars) {
    finished.incrementAndGet();
    if (cached) {
      cacheHits.incrementAndGet();
    }
    if (failed) {
      errors.incrementAndGet();
    }
    if (!cached) {
      promptTokens.addAndGet(prompt);
      completionTokens.addAndGet(completion);
      cost.add(dollars);
    }
  }

  /** A snapshot for progress lines. */
  public record Snapshot(long sent, long finished, long cacheHits, long errors, long promptTokens, long completionTokens, double cost) {}

  public Snapshot snapshot() {
    return new Snapshot(sent.get(), finished.get(), cacheHits.get(), errors.get(), promptTokens.get(), completionTokens.get(), cost.sum());
  }
}
