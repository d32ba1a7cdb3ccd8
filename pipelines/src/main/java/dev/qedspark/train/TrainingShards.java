package dev.qedspark.train;

import static org.apache.spark.sql.functions.col;

import dev.qedspark.common.ConfigException;
import dev.qedspark.common.ProjectPaths;
import dev.qedspark.common.Sql;
import dev.qedspark.common.Status;
import dev.qedspark.io.DatasetWriter;
import dev.qedspark.io.HadoopConf;
import dev.qedspark.io.Manifest;
import dev.qedspark.io.Run;
import dev.qedspark.stage.Stage;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Training shards for a GPU trainer, one per rank (or a multiple), in one of three formats:
 *
 * <ul>
 *   <li>{@code packed}: conversations rendered with the tokenizer's chat template, tokenized, loss
 *       mask on assistant turns only, packed first-fit decreasing into sequences of
 *       {@code seq-len} tokens, shards balanced by tokens. Columns: {@code input_ids},
 *       {@code loss_mask} (1 on assistant tokens), {@code position_ids} (restarting at 0 per
 *       example), {@code segment_ids} (1, 2, ... per example, 0 on padding), {@code cu_seqlens}
 *       (example boundaries, for variable-length attention), {@code num_tokens},
 *       {@code num_trained}, {@code example_ids}. Attention must not cross segments.
 *   <li>{@code messages}: the conversations as they are ({@code example_id, messages}), for
 *       trainers that tokenize themselves (TRL's SFT layout).
 *   <li>{@code rl}: RL tasks ({@code example_id, task, answer, schema}) from the RL step's
 *       {@code tasks}.
 * </ul>
 *
 * Shard r is {@code <format>/part-0000r.parquet}. Examples that cannot be used are written to
 * {@code rejected} with their reason; nothing is dropped silently.
 */
public final class TrainingShards extends Stage<TrainingShards, ShardsReport> {
  public static final List<String> FORMATS = List.of("packed", "messages", "rl");
  public static final String REJECTED = "rejected";
  /** Why an example is rejected (besides a template's own reasons, {@link ExampleRejected}). */
  public static final String TOO_LONG = "too_long";
  public static final String NO_TRAINED_TOKENS = "no_trained_tokens";
  public static final String DUPLICATE_ID = "duplicate_id";
  public static final String REPORT = "report.json";
  static final StructType TOKENIZED = new StructType()
      .add("example_id", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("reason", DataTypes.StringType, true)
      .add("detail", DataTypes.StringType, true)
      .add("num_tokens", DataTypes.IntegerType, false)
      .add("num_trained", DataTypes.IntegerType, false)
      .add("input_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), true)
      .add("loss_mask", DataTypes.createArrayType(DataTypes.ByteType, false), true);
  static final StructType PACKED = new StructType()
      .add("shard", DataTypes.IntegerType, false)
      .add("sequence", DataTypes.IntegerType, false)
      .add("input_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("loss_mask", DataTypes.createArrayType(DataTypes.ByteType, false), false)
      .add("position_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("segment_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("cu_seqlens", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("num_tokens", DataTypes.IntegerType, false)
      .add("num_trained", DataTypes.IntegerType, false)
      .add("example_ids", DataTypes.createArrayType(DataTypes.StringType, false), false);

  private final String input;
  private final String format;
  private final ShardSettings settings;
  private TokenizerFiles tokenizer;

  private TrainingShards(SparkSession spark, String input, String format, ShardSettings settings) {
    super(spark);
    if (!FORMATS.contains(format)) {
      throw new ConfigException("format must be one of " + FORMATS + ", not " + format);
    }
    this.input = input;
    this.format = format;
    this.settings = settings;
  }

  /**
   * @param input a dataset with {@code messages} (packed, messages: an SFT dataset such as
   *     {@code ./qed sft}'s {@code default}) or {@code task, answer, schema} (rl: {@code ./qed rl}'s
   *     {@code tasks}); an SFT or RL output folder stands for that dataset
   */
  public static TrainingShards of(SparkSession spark, String input, String format, ShardSettings settings) {
    return new TrainingShards(spark, resolveInput(spark, input, format), format, settings);
  }

  private static String resolveInput(SparkSession spark, String input, String format) {
    String dataset = format.equals("rl") ? "tasks" : "default";
    try {
      Path given = new Path(input);
      FileSystem fs = given.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(new Path(given, Manifest.FILE_NAME)) && fs.exists(new Path(new Path(given, dataset), Manifest.FILE_NAME))) {
        return new Path(given, dataset).toString();
      }
      return input;
    } catch (java.io.IOException e) {
      return input;
    }
  }

  @Override
  public String name() {
    return "shards";
  }

  /** The dataset of shards: named after the format. */
  public String dataset() {
    return format;
  }

  @Override
  public List<String> outputs() {
    List<String> outputs = new ArrayList<>(List.of(format, REPORT));
    if (format.equals("packed")) {
      outputs.add(REJECTED);
      if (settings.mmapFiles()) {
        outputs.addAll(TokenFile.names(settings.count()));
      }
    }
    return outputs;
  }

  @Override
  protected List<String> inputs() {
    return List.of(input);
  }

  @Override
  protected Object settings() {
    Map<String, Object> used = new LinkedHashMap<>();
    used.put("format", format);
    used.put("shards", settings.count());
    if (format.equals("packed")) {
      used.put("tokenizer", tokenizer().digest());
      used.put("seq_len", settings.seqLen());
      used.put("overlong", settings.overlong());
      used.put("mmap_files", settings.mmapFiles());
    }
    return used;
  }

  private TokenizerFiles tokenizer() {
    if (tokenizer == null) {
      tokenizer = TokenizerFiles.read(ProjectPaths.resolve(settings.tokenizer()), spark.sparkContext().hadoopConfiguration());
    }
    return tokenizer;
  }

  @Override
  protected ShardsReport run(Run run) {
    long started = System.nanoTime();
    Dataset<Row> rows = read(input);
    return switch (format) {
      case "packed" -> packed(run, rows, started);
      case "messages" -> passThrough(run, rows, started, "messages");
      default -> passThrough(run, rows, started, "task", "answer", "schema");
    };
  }

  private ShardsReport passThrough(Run run, Dataset<Row> rows, long started, String... columns) {
    List<String> missing = Arrays.stream(columns).filter(c -> !Arrays.asList(rows.columns()).contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new ConfigException(input + " has no " + missing + " column: --format " + format + " reads "
          + (format.equals("rl") ? "./qed rl's tasks" : "an SFT dataset such as ./qed sft's default"));
    }
    List<String> select = new ArrayList<>(List.of(exampleId(rows) + " AS example_id"));
    select.addAll(Arrays.asList(columns));
    Dataset<Row> selected = rows.selectExpr(select.toArray(String[]::new));
    int shards = settings.count();
    long count = job("count rows", rows::count);
    refuseEmptyShards(input + " has " + count + " rows", count, shards, "");
    // Round robin over the rows in the order they are read, so shards differ by one row at most.
    JavaRDD<Row> byShard = selected.javaRDD().zipWithIndex()
        .mapToPair(r -> new Tuple2<>(ShardPartitioner.key((int) (r._2() % shards), (int) (r._2() / shards)), r._1()))
        .partitionBy(new ShardPartitioner(shards)).values();
    Dataset<Row> sharded = spark.createDataFrame(byShard, selected.schema());
    Manifest written = DatasetWriter.of(sharded).to(run.path(format)).named(format).keyedBy("example_id").settings(datasets)
        .shards(shards).partitioned().fingerprint(fingerprint()).execute();
    List<Long> perShard = written.files().stream().map(Manifest.ShardFile::rows).toList();
    ShardsReport report = new ShardsReport(format, run.finalPath(format), 0, written.rows(), written.rows(), 0, Map.of(), 0, 0, 0, 0,
        perShard, List.of(), seconds(started));
    run.writeJson(REPORT, report);
    return report;
  }

  /** Every shard is one rank's data and no shard file may be empty: fewer units than shards is the user's to fix. */
  private static void refuseEmptyShards(String what, long units, int shards, String orElse) {
    if (units < shards) {
      throw new ConfigException(what + ": too few for " + shards + " shards, and every shard (one per trainer rank) needs at least one."
          + " Write fewer shards (--shards)" + orElse + ", or give more data.");
    }
  }

  /** {@code problem_id#sample_index}, {@code problem_id}, or a hash of the messages. */
  private static String exampleId(Dataset<Row> rows) {
    List<String> columns = Arrays.asList(rows.columns());
    if (columns.contains("example_id")) {
      return "example_id";
    }
    if (columns.contains("problem_id") && columns.contains("sample_index")) {
      return "concat(problem_id, '#', CAST(sample_index AS STRING))";
    }
    if (columns.contains("problem_id")) {
      return "problem_id";
    }
    return "substr(sha2(to_json(" + (columns.contains("messages") ? "messages" : "struct(*)") + "), 256), 1, 16)";
  }

  private ShardsReport packed(Run run, Dataset<Row> rows, long started) {
    if (!Arrays.asList(rows.columns()).contains("messages")) {
      throw new ConfigException(input + " has no messages column: --format packed reads an SFT dataset such as ./qed sft's default");
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<TokenizerFiles> files = jsc.broadcast(tokenizer());
    int seqLen = settings.seqLen();
    boolean truncate = settings.overlong().equals("truncate");
    Dataset<Row> tokenized = withoutDuplicateIds(rows.selectExpr(exampleId(rows) + " AS example_id", "messages")
        .mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) it -> tokenize(it, files.value(), seqLen, truncate),
            org.apache.spark.sql.Encoders.row(TOKENIZED)))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, Long> rejected = new TreeMap<>();
      job("count rejected examples", () -> tokenized.where("status = " + Status.REJECTED.sql()).groupBy("reason").count().collectAsList())
          .forEach(r -> rejected.put(r.getString(0), r.getLong(1)));
      writeDataset(run, tokenized.where("status = " + Status.REJECTED.sql()).select("example_id", "reason", "detail"), REJECTED, "example_id");
      List<Row> lengths = job("collect example lengths", () -> tokenized.where("status != " + Status.REJECTED.sql())
          .select(col("example_id"), col("num_tokens"), col("status"), col("num_trained")).collectAsList());
      List<Row> sorted = new ArrayList<>(lengths);
      sorted.sort(Comparator.comparing(r -> r.getString(0)));
      int[] tokens = sorted.stream().mapToInt(r -> r.getInt(1)).toArray();
      long truncated = sorted.stream().filter(r -> r.getString(2).equals(Status.TRUNCATED.id())).count();
      int shards = settings.count();
      List<Packing.Sequence> sequences = Packing.atLeast(Packing.firstFitDecreasing(tokens, seqLen), shards, tokens);
      refuseEmptyShards(sequences.size() + " packed sequences of " + seqLen + " tokens (from " + sorted.size() + " examples"
          + (rejected.isEmpty() ? "" : "; rejected " + rejected) + ")", sequences.size(), shards, " or shorter sequences (--seq-len)");
      int[] shardOf = Packing.balance(sequences, shards);
      Plan plan = Plan.of(sequences, shardOf, shards, sorted);
      Dataset<Row> assignment = spark.createDataFrame(plan.assignments(), Plan.SCHEMA);
      int pad = ChatTokenizer.of(tokenizer()).padId();
      JavaPairRDD<Long, PackedSequence> packedRows = tokenized.where("status != " + Status.REJECTED.sql()).join(assignment, "example_id")
          .javaRDD()
          .mapToPair(r -> {
            PackedSequence.Member member = PackedSequence.Member.of(r);
            return new Tuple2<>(ShardPartitioner.key(member.shard(), member.sequence()), member);
          })
          // One shuffle: each shard's members arrive sorted by sequence, and consecutive members make one sequence.
          .repartitionAndSortWithinPartitions(new ShardPartitioner(shards), (Comparator<Long> & java.io.Serializable) Long::compare)
          .mapPartitionsToPair(members -> PackedSequence.consecutive(members, seqLen, pad), true);
      if (settings.mmapFiles()) {
        packedRows.persist(StorageLevel.MEMORY_AND_DISK());
      }
      try {
        Dataset<Row> packed = spark.createDataFrame(packedRows.values().map(PackedSequence::toRow), PACKED);
        DatasetWriter.of(packed).to(run.path(format)).named(format).keyedBy("shard", "sequence").settings(datasets).shards(shards)
            .partitioned().fingerprint(fingerprint()).execute();
        List<String> tokenFiles = List.of();
        if (settings.mmapFiles()) {
          writeTokenFiles(run, packedRows, plan, seqLen);
          tokenFiles = TokenFile.names(shards).stream().map(run::finalPath).toList();
        }
        long realTokens = Arrays.stream(tokens).asLongStream().sum();
        long trained = sorted.stream().mapToLong(r -> r.getInt(3)).sum();
        long slots = (long) sequences.size() * seqLen;
        ShardsReport report = new ShardsReport(format, run.finalPath(format), seqLen, sorted.size() + rejected.values().stream().mapToLong(Long::longValue).sum(),
            sorted.size(), truncated, rejected, sequences.size(), realTokens, trained, slots == 0 ? 0 : 1.0 - (double) realTokens / slots,
            Arrays.stream(plan.shardTokens()).boxed().toList(), tokenFiles, seconds(started));
        run.writeJson(REPORT, report);
        return report;
      } finally {
        packedRows.unpersist(false);
      }
    } finally {
      tokenized.unpersist(false);
    }
  }

  /**
   * Examples are placed by id, so an id must name one example: of the rows that share one (the
   * same conversation twice, or several rows of a problem without a sample_index), the shortest
   * is kept (ties by content) and the others are rejected as {@code duplicate_id}.
   */
  private static Dataset<Row> withoutDuplicateIds(Dataset<Row> tokenized) {
    Column copy = org.apache.spark.sql.functions.row_number().over(Window.partitionBy("example_id")
        .orderBy(col("num_tokens"), org.apache.spark.sql.functions.xxhash64(col("input_ids")), org.apache.spark.sql.functions.xxhash64(col("detail"))));
    return tokenized.withColumn("copy", copy).selectExpr("example_id",
        "CASE WHEN copy > 1 THEN " + Status.REJECTED.sql() + " ELSE status END AS status",
        "CASE WHEN copy > 1 THEN " + Sql.literal(DUPLICATE_ID) + " ELSE reason END AS reason",
        "CASE WHEN copy > 1 THEN 'another example has this id (ids are problem_id#sample_index, problem_id, or a hash of the messages)'"
            + " ELSE detail END AS detail",
        "num_tokens", "num_trained", "input_ids", "loss_mask");
  }

  private void writeTokenFiles(Run run, JavaPairRDD<Long, PackedSequence> packedRows, Plan plan, int seqLen) {
    HadoopConf hadoop = new HadoopConf(spark.sparkContext().hadoopConfiguration());
    List<String> targets = TokenFile.names(settings.count()).stream().map(run::path).toList();
    long[] sequences = plan.shardSequences();
    long[] examples = plan.shardExamples();
    job("write token files", () -> {
      packedRows.values().foreachPartition(it -> writeTokenFile(it, new Path(targets.get(org.apache.spark.TaskContext.getPartitionId())),
          hadoop, seqLen, sequences[org.apache.spark.TaskContext.getPartitionId()], examples[org.apache.spark.TaskContext.getPartitionId()]));
      return null;
    });
  }

  /** Streams one shard's packed rows (partition = shard, sorted by sequence) into its token file. */
  private static void writeTokenFile(Iterator<PackedSequence> rows, Path target, HadoopConf hadoop, int seqLen, long sequences, long examples)
      throws java.io.IOException {
    Iterator<TokenFile.Sequence> mapped = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public TokenFile.Sequence next() {
        return rows.next().toTokenFileSequence();
      }
    };
    try (OutputStream out = target.getFileSystem(hadoop.get()).create(target, true)) {
      TokenFile.write(out, seqLen, sequences, examples, () -> mapped);
    }
  }


  private static Iterator<Row> tokenize(Iterator<Row> rows, TokenizerFiles files, int seqLen, boolean truncate) {
    ChatTokenizer tokenizer = ChatTokenizer.of(files);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row row = rows.next();
        String id = row.getString(0);
        try {
          ChatTokenizer.Tokenized t = tokenizer.tokenize(messages(row));
          String status = Status.OK.id();
          if (t.ids().length > seqLen) {
            if (!truncate) {
              return rejected(id, TOO_LONG, t.ids().length + " tokens, more than seq-len " + seqLen);
            }
            t = new ChatTokenizer.Tokenized(Arrays.copyOf(t.ids(), seqLen), Arrays.copyOf(t.mask(), seqLen));
            status = Status.TRUNCATED.id();
          }
          int trained = t.trained();
          if (trained == 0) {
            return rejected(id, NO_TRAINED_TOKENS, "no assistant token within the first " + seqLen + " tokens");
          }
          return new GenericRowWithSchema(new Object[] {id, status, null, null, t.ids().length, trained, PackedSequence.boxed(t.ids()),
              PackedSequence.boxedBytes(t.mask())}, TOKENIZED);
        } catch (ExampleRejected e) {
          return rejected(id, e.reason(), e.getMessage());
        }
      }
    };
  }

  private static Row rejected(String id, String reason, String detail) {
    return new GenericRowWithSchema(new Object[] {id, Status.REJECTED.id(), reason, detail, 0, 0, null, null}, TOKENIZED);
  }

  /** The messages column as the chat template sees it: a list of maps with every field of the struct, nested values included. */
  static List<Map<String, Object>> messages(Row row) {
    List<Row> structs = row.isNullAt(1) ? List.of() : row.getList(1);
    List<Map<String, Object>> messages = new ArrayList<>(structs.size());
    for (Row m : structs) {
      @SuppressWarnings("unchecked")
      Map<String, Object> message = (Map<String, Object>) templateValue(m);
      messages.add(message);
    }
    return messages;
  }

  /** A Spark value as the template's Python-like values: Row to map, Seq to list, integers to long, floats to double. */
  private static Object templateValue(Object v) {
    if (v instanceof Row r) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (String field : r.schema().fieldNames()) {
        map.put(field, templateValue(r.getAs(field)));
      }
      return map;
    }
    if (v instanceof scala.collection.Seq<?> seq) {
      List<Object> list = new ArrayList<>();
      scala.collection.JavaConverters.seqAsJavaList(seq).forEach(x -> list.add(templateValue(x)));
      return list;
    }
    if (v instanceof scala.collection.Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      scala.collection.JavaConverters.mapAsJavaMap(map).forEach((k, x) -> out.put(String.valueOf(k), templateValue(x)));
      return out;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    return v;
  }


  private static double seconds(long started) {
    return (System.nanoTime() - started) / 1e9;
  }

  /** Where each example goes: shard, sequence within the shard, and slot within the sequence. */
  record Plan(List<Row> assignments, long[] shardTokens, long[] shardSequences, long[] shardExamples) {
    static final StructType SCHEMA = new StructType()
        .add("example_id", DataTypes.StringType, false)
        .add("shard", DataTypes.IntegerType, false)
        .add("sequence", DataTypes.IntegerType, false)
        .add("slot", DataTypes.IntegerType, false);

    static Plan of(List<Packing.Sequence> sequences, int[] shardOf, int shards, List<Row> examples) {
      long[] tokens = new long[shards];
      long[] count = new long[shards];
      long[] exampleCount = new long[shards];
      List<Row> rows = new ArrayList<>();
      for (int s = 0; s < sequences.size(); s++) {
        int shard = shardOf[s];
        int indexInShard = (int) count[shard]++;
        tokens[shard] += sequences.get(s).tokens();
        int[] members = sequences.get(s).examples();
        exampleCount[shard] += members.length;
        for (int slot = 0; slot < members.length; slot++) {
          rows.add(RowFactory.create(examples.get(members[slot]).getString(0), shard, indexInShard, slot));
        }
      }
      return new Plan(rows, tokens, count, exampleCount);
    }
  }
}
