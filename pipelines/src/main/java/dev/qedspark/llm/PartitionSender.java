package dev.qedspark.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qedspark.common.Status;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * Sends one partition's requests with up to {@code concurrency} in flight, and yields each
 * {@link Answer} as it completes. The task thread both reads the input and yields results; the
 * HTTP client's threads only complete futures. Each response is appended to the response cache
 * before its answer is yielded.
 *
 * <p>Before sending anything, a task reads what earlier attempts of the same task of the same run
 * stored (a retried task, a lost executor's work done again; segments are named by run and
 * partition, so it reads only its own) and answers those requests from the cache: no request is
 * paid for twice within a run, and the driver's lookup covers earlier runs.
 */
final class PartitionSender implements FlatMapFunction<Iterator<PreparedRequest>, Answer> {
  private static final long serialVersionUID = 1L;

  private final String runId;
  private final Endpoint endpoint;
  private final String apiKey;
  private final LlmSettings settings;
  private final BudgetSettings budgetShare;
  private final double rateShare;
  private final ResponseCache cache;

  PartitionSender(String runId, Endpoint endpoint, String apiKey, LlmSettings settings,
      BudgetSettings budgetShare, double rateShare, ResponseCache cache) {
    this.runId = runId;
    this.endpoint = endpoint;
    this.apiKey = apiKey;
    this.settings = settings;
    this.budgetShare = budgetShare;
    this.rateShare = rateShare;
    this.cache = cache;
  }

  @Override
  public Iterator<Answer> call(Iterator<PreparedRequest> input) throws IOException {
    TaskContext task = TaskContext.get();
    int partition = task == null ? -1 : task.partitionId();
    Map<String, ResponseCache.Location> answeredEarlier = cache.writtenBy(runId, partition);
    OpenAiClient client = new OpenAiClient(endpoint.baseUrls(), apiKey, settings.headers(),
        Duration.ofSeconds(settings.connectTimeoutSeconds()), Duration.ofSeconds(settings.readTimeoutSeconds()), settings.retry());
    Sending sending = new Sending(input, client, RunLedger.of(runId, budgetShare, rateShare), answeredEarlier, partition);
    if (task != null) {
      task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> sending.close());
    }
    return sending;
  }

  /** Pulls requests while permits allow and hands back whatever has finished. */
  private final class Sending implements Iterator<Answer>, Closeable {
    private final Iterator<PreparedRequest> input;
    private final OpenAiClient client;
    private final RunLedger ledger;
    private final Map<String, ResponseCache.Location> answeredEarlier;
    private final int partition;
    private final ResponseCache.Reader reader = cache.reader();
    private ResponseCache.Writer writer;
    private final Semaphore permits = new Semaphore(settings.concurrency());
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LinkedBlockingQueue<Answer> finished = new LinkedBlockingQueue<>();
    private Answer next;

    Sending(Iterator<PreparedRequest> input, OpenAiClient client, RunLedger ledger, Map<String, ResponseCache.Location> answeredEarlier,
        int partition) {
      this.input = input;
      this.partition = partition;
      this.client = client;
      this.ledger = ledger;
      this.answeredEarlier = answeredEarlier;
    }

    @Override
    public boolean hasNext() {
      try {
        while (next == null) {
          next = finished.poll();
          if (next != null) {
            break;
          }
          if (input.hasNext() && permits.tryAcquire()) {
            submit(input.next());
          } else if (!input.hasNext() && inFlight.get() == 0 && finished.isEmpty()) {
            return false;
          } else {
            next = finished.poll(50, TimeUnit.MILLISECONDS);
          }
        }
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("generation task interrupted", e);
      }
    }

    @Override
    public Answer next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Answer answer = next;
      next = null;
      return answer;
    }

    private void submit(PreparedRequest request) throws InterruptedException {
      if (request.error() != null) {
        finish(Answer.failed(request, Status.ERROR.id(), request.error(), 0));
        return;
      }
      ResponseCache.Location earlier = answeredEarlier.get(request.cacheKey());
      if (earlier != null) {
        try {
          ResponseCache.Entry entry = reader.read(earlier);
          // Paid for in this run (by an earlier attempt of this task), so it counts as sent, not cached.
          finish(Answer.of(request, entry.response().toString(), entry.latencyMs(), entry.attempts(), false));
          return;
        } catch (IOException unreadable) {
          // send it again below
        }
      }
      String exhausted = ledger.budgetExhausted();
      if (exhausted != null) {
        finish(Answer.failed(request, Status.NOT_SENT.id(), exhausted, 0));
        return;
      }
      ledger.awaitRate();
      ObjectNode body;
      try {
        body = (ObjectNode) RequestBodies.JSON.readTree(request.body());
      } catch (IOException e) {
        finish(Answer.failed(request, Status.ERROR.id(), "unreadable request body: " + e.getMessage(), 0));
        return;
      }
      inFlight.incrementAndGet();
      ledger.sent.incrementAndGet();
      client.send(body).whenComplete((exchange, failure) -> {
        Answer answer;
        if (failure != null) {
          answer = Answer.failed(request, Status.ERROR.id(), "client failure: " + failure, 0);
        } else if (!exchange.ok()) {
          answer = Answer.failed(request, Status.ERROR.id(), exchange.error(), exchange.attempts());
        } else {
          answer = Answer.of(request, exchange.response().toString(), exchange.latencyMs(), exchange.attempts(), false);
          try {
            store(request.cacheKey(), exchange.response(), exchange.latencyMs(), exchange.attempts());
          } catch (IOException e) {
            answer = Answer.failed(request, Status.ERROR.id(),
                "answered, but the response cache could not store it: " + e.getMessage(), exchange.attempts());
          }
        }
        finish(answer);
        // Only after the answer is queued, so hasNext() never sees "nothing in flight, nothing
        // queued" while an answer is between the two.
        inFlight.decrementAndGet();
      });
    }

    /** The segment is opened on the first response, so tasks that send nothing leave no files. */
    private synchronized void store(String key, JsonNode response, long latencyMs, int attempts) throws IOException {
      if (writer == null) {
        writer = cache.writer(runId, partition);
      }
      writer.append(key, response, latencyMs, attempts);
    }

    private void finish(Answer answer) {
      Usage usage = Usage.of(answer, endpoint.model(), settings.prices());
      ledger.record(answer.cached(), Status.ERROR.id().equals(answer.status()), usage.promptTokens(), usage.completionTokens(), usage.cost());
      finished.add(answer);
      permits.release();
    }

    @Override
    public synchronized void close() {
      client.close();
      try {
        reader.close();
        if (writer != null) {
          writer.close();
        }
      } catch (IOException ignored) {
        // the segment holds every line flushed so far; nothing more to save
      }
    }
  }
}
