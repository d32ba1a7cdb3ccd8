package dev.qedspark.llm;

import dev.qedspark.common.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import scala.Tuple2;

/**
 * Reads one partition's cache hits: in segment and offset order, so each segment is opened once
 * and read forward, and one answer at a time. An entry that cannot be read becomes an error row
 * that says which segment to look at, not a failed job.
 */
final class CachedAnswers implements FlatMapFunction<Iterator<Tuple2<PreparedRequest, ResponseCache.Location>>, Answer> {
  private static final long serialVersionUID = 1L;
  private final ResponseCache cache;

  CachedAnswers(ResponseCache cache) {
    this.cache = cache;
  }

  @Override
  public Iterator<Answer> call(Iterator<Tuple2<PreparedRequest, ResponseCache.Location>> hits) {
    List<Tuple2<PreparedRequest, ResponseCache.Location>> sorted = new ArrayList<>();
    hits.forEachRemaining(sorted::add);
    sorted.sort(Comparator.comparing((Tuple2<PreparedRequest, ResponseCache.Location> h) -> h._2().segment())
        .thenComparingLong(h -> h._2().offset()));
    ResponseCache.Reader reader = cache.reader();
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> closeQuietly(reader));
    }
    Iterator<Tuple2<PreparedRequest, ResponseCache.Location>> each = sorted.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return each.hasNext();
      }

      @Override
      public Answer next() {
        Tuple2<PreparedRequest, ResponseCache.Location> hit = each.next();
        try {
          ResponseCache.Entry entry = reader.read(hit._2());
          return Answer.of(hit._1(), entry.response().toString(), entry.latencyMs(), entry.attempts(), true);
        } catch (IOException e) {
          return Answer.failed(hit._1(), Status.ERROR.id(), "the cached response in " + hit._2().segment() + " at byte "
              + hit._2().offset() + " cannot be read (" + e.getMessage() + "); remove that segment's index file to ask again", 0);
        }
      }
    };
  }

  private static void closeQuietly(ResponseCache.Reader reader) {
    try {
      reader.close();
    } catch (IOException ignored) {
      // nothing was written through it
    }
  }
}
