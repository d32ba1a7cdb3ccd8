package dev.qedspark.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * Sends one partition's requests with up to {@code concurrency} in flight, and yields each
 * {@link Generation} as it completes. The task thread both reads the input and yields results;
 * the HTTP client's threads only complete futures. Each successful response is appended to the
 * response cache before its row is yielded.
 */
final class PartitionSender implements FlatMapFunction<Iterator<Row>, Row> {
  private static final long serialVersionUID = 1L;
  /** One HTTP client per endpoint per JVM, shared by the tasks of all runs. */
  private static final Map<String, OpenAiClient> CLIENTS = new ConcurrentHashMap<>();

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
  public Iterator<Row> call(Iterator<Row> input) throws IOException {
    OpenAiClient client = CLIENTS.computeIfAbsent(endpoint.baseUrl() + "|" + settings.hashCode(), k -> new OpenAiClient(
        endpoint.baseUrl(), apiKey, settings.headers(), Duration.ofSeconds(settings.connectTimeoutSeconds()),
        Duration.ofSeconds(settings.readTimeoutSeconds()), settings.retry()));
    RunLedger ledger = RunLedger.of(runId, budgetShare, rateShare);
    ResponseCache.Writer writer = cache.writer();
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> closeQuietly(writer));
    }
    return new Sending(input, client, ledger, writer);
  }

  private static void closeQuietly(ResponseCache.Writer writer) {
    try {
      writer.close();
    } catch (IOException ignored) {
      // the segment holds every line flushed so far; nothing more to save
    }
  }

  /** Pulls requests while permits allow and hands back whatever has finished. */
  private final class Sending implements Iterator<Row> {
    private final Iterator<Row> input;
    private final OpenAiClient client;
    private final RunLedger ledger;
    private final ResponseCache.Writer writer;
    private final Semaphore permits = new Semaphore(settings.concurrency());
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LinkedBlockingQueue<Row> finished = new LinkedBlockingQueue<>();
    private Row next;

    Sending(Iterator<Row> input, OpenAiClient client, RunLedger ledger, ResponseCache.Writer writer) {
      this.input = input;
      this.client = client;
      this.ledger = ledger;
      this.writer = writer;
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
            submit(PreparedRequest.SCHEMA.fromRow(input.next()));
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
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row row = next;
      next = null;
      return row;
    }

    private void submit(PreparedRequest request) throws InterruptedException {
      if (request.error() != null) {
        finish(failed(request, request.error(), 0));
        return;
      }
      String exhausted = ledger.budgetExhausted();
      if (exhausted != null) {
        finish(new Generation(request.requestId(), request.sampleIndex(), endpoint.model(), request.messages(),
            null, null, null, null, 0, 0, 0, 0, Generation.NOT_SENT, exhausted, 0, false, request.cacheKey(), null));
        return;
      }
      ledger.awaitRate();
      ObjectNode body;
      try {
        body = (ObjectNode) RequestBodies.JSON.readTree(request.body());
      } catch (IOException e) {
        finish(failed(request, "unreadable request body: " + e.getMessage(), 0));
        return;
      }
      inFlight.incrementAndGet();
      ledger.sent.incrementAndGet();
      client.send(body).whenComplete((exchange, failure) -> {
        Generation g;
        if (failure != null) {
          g = failed(request, "client failure: " + failure, 0);
        } else if (!exchange.ok()) {
          g = failed(request, exchange.error(), exchange.attempts());
        } else {
          g = Generations.fromResponse(request, endpoint.model(), exchange.response(), exchange.latencyMs(), exchange.attempts(), false, settings.prices());
          try {
            writer.append(request.cacheKey(), exchange.response(), exchange.latencyMs(), exchange.attempts());
          } catch (IOException e) {
            g = failed(request, "answered, but the response cache could not store it: " + e.getMessage(), exchange.attempts());
          }
        }
        finish(g);
        // Only after the row is queued, so hasNext() never sees "nothing in flight, nothing queued"
        // while a result is between the two.
        inFlight.decrementAndGet();
      });
    }

    private void finish(Generation g) {
      ledger.record(g);
      finished.add(Generation.SCHEMA.toRow(g));
      permits.release();
    }

    private Generation failed(PreparedRequest request, String error, int attempts) {
      return new Generation(request.requestId(), request.sampleIndex(), endpoint.model(), request.messages(),
          null, null, null, null, 0, 0, 0, 0, Generation.ERROR, error, attempts, false, request.cacheKey(), null);
    }
  }

  /** A request ready to send: its body built and its cache key computed, or why that failed. */
  record PreparedRequest(String requestId, List<ChatMessage> messages, int sampleIndex, String cacheKey, String body, String error) {
    static final dev.qedspark.io.RecordSchema<PreparedRequest> SCHEMA = dev.qedspark.io.RecordSchema.of(PreparedRequest.class);
  }
}
