package dev.qedspark.llm;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A digest of a DataFrame's content that does not depend on row order or partitioning: the row
 * count, and the sum and the xor of a 64-bit hash of each row's JSON. Two selections of rows
 * that differ in any row differ in their digest (up to 64-bit hash collisions).
 */
public final class RowsDigest {
  private RowsDigest() {}

  public static String of(Dataset<Row> rows) {
    Column[] columns = Arrays.stream(rows.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new);
    Row digest = rows.select(xxhash64(to_json(struct(columns))).as("h"))
        .selectExpr("count(*)", "coalesce(sum(CAST(h AS DECIMAL(38, 0))), 0)", "coalesce(bit_xor(h), 0)").first();
    return "rows:" + digest.getLong(0) + ":" + digest.getDecimal(1).toPlainString() + ":" + Long.toHexString(digest.getLong(2));
  }
}
