package dev.qedspark.llm;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.Optional;
import org.apache.spark.api.java.function.FlatMapFunction;
import scala.Tuple2;

/** Reads the cached responses of one partition's hits, by location. */
final class CachedAnswers implements FlatMapFunction<Iterator<Tuple2<PreparedRequest, Optional<ResponseCache.Location>>>, Answer> {
  private static final long serialVersionUID = 1L;
  private final ResponseCache cache;

  private CachedAnswers(ResponseCache cache) {
    this.cache = cache;
  }

  static CachedAnswers from(ResponseCache cache) {
    return new CachedAnswers(cache);
  }

  @Override
  public Iterator<Answer> call(Iterator<Tuple2<PreparedRequest, Optional<ResponseCache.Location>>> hits) throws Exception {
    List<Answer> answers = new ArrayList<>();
    try (ResponseCache.Reader reader = cache.reader()) {
      while (hits.hasNext()) {
        Tuple2<PreparedRequest, Optional<ResponseCache.Location>> hit = hits.next();
        ResponseCache.Entry entry = reader.read(hit._2().get());
        answers.add(Answer.of(hit._1(), entry.response().toString(), entry.latencyMs(), entry.attempts(), true));
      }
    }
    return answers.iterator();
  }
}
