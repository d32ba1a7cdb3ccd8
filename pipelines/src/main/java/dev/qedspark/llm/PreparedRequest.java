package dev.qedspark.llm;

import java.io.Serializable;
import org.apache.spark.sql.Row;

/**
 * A request ready to send: the input row it was built from, which of the row's requests it is,
 * its body and cache key, or why it could not be built.
 *
 * @param input the input row
 * @param requestIndex 0..samples-1; its answers get sample indexes {@code requestIndex * choices + c}
 * @param choices how many choices it asks for ({@code n}, 1 unless the prompt sets it)
 * @param cacheKey the content address of the request; null when it could not be built
 * @param body the JSON body; null when it could not be built
 * @param error why it could not be built
 */
record PreparedRequest(Row input, int requestIndex, int choices, String cacheKey, String body, String error)
    implements Serializable {}
