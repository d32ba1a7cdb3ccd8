package dev.qedspark.io;

import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * The single source of truth for a dataset's schema: a Java record. This derives the Spark
 * {@link StructType} from the record's components and converts between records and rows, so no
 * schema is ever restated by hand.
 *
 * <p>Column names are the snake_case of the component names unless {@link ColumnName} says
 * otherwise. Primitive components are non-nullable, everything else nullable. Supported types:
 * String, boxed and primitive int/long/double/boolean, {@code List<T>}, {@code Map<String, T>}
 * and nested records.
 */
public final class RecordSchema<T extends Record> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private transient StructType schema;

  private RecordSchema(Class<T> type) {
    this.type = type;
  }

  public static <T extends Record> RecordSchema<T> of(Class<T> type) {
    return new RecordSchema<>(type);
  }

  public StructType schema() {
    if (schema == null) {
      schema = structOf(type);
    }
    return schema;
  }

  public String[] columnNames() {
    return schema().fieldNames();
  }

  public Row toRow(T value) {
    return (Row) toSpark(value, type);
  }

  public T fromRow(Row row) {
    return type.cast(fromSpark(row, type));
  }

  /** The column name of a record component: its {@link ColumnName}, else its snake_case name. */
  private static String columnName(RecordComponent component) {
    ColumnName override = component.getAnnotation(ColumnName.class);
    return override != null ? override.value() : snakeCase(component.getName());
  }

  static String snakeCase(String camel) {
    StringBuilder out = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        out.append('_').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static StructType structOf(Class<?> recordType) {
    List<StructField> fields = new ArrayList<>();
    for (RecordComponent c : recordType.getRecordComponents()) {
      boolean nullable = !c.getType().isPrimitive();
      fields.add(DataTypes.createStructField(columnName(c), dataTypeOf(c.getGenericType()), nullable));
    }
    return DataTypes.createStructType(fields);
  }

  private static DataType dataTypeOf(Type type) {
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (List.class.equals(raw)) {
        return DataTypes.createArrayType(dataTypeOf(args[0]), true);
      }
      if (Map.class.equals(raw) && String.class.equals(args[0])) {
        return DataTypes.createMapType(DataTypes.StringType, dataTypeOf(args[1]), true);
      }
      throw new IllegalArgumentException("unsupported column type " + type);
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) return DataTypes.StringType;
    if (c == int.class || c == Integer.class) return DataTypes.IntegerType;
    if (c == long.class || c == Long.class) return DataTypes.LongType;
    if (c == double.class || c == Double.class) return DataTypes.DoubleType;
    if (c == boolean.class || c == Boolean.class) return DataTypes.BooleanType;
    if (c.isRecord()) return structOf(c);
    throw new IllegalArgumentException("unsupported column type " + type);
  }

  private static Object toSpark(Object value, Type type) {
    if (value == null) {
      return null;
    }
    if (value instanceof Record record) {
      RecordComponent[] components = record.getClass().getRecordComponents();
      Object[] cells = new Object[components.length];
      for (int i = 0; i < components.length; i++) {
        cells[i] = toSpark(read(components[i], record), components[i].getGenericType());
      }
      return RowFactory.create(cells);
    }
    Type element = type instanceof ParameterizedType p ? p.getActualTypeArguments()[p.getActualTypeArguments().length - 1] : Object.class;
    if (value instanceof List<?> list) {
      List<Object> converted = new ArrayList<>(list.size());
      list.forEach(v -> converted.add(toSpark(v, element)));
      return JavaConverters.asScalaBuffer(converted).toList();
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> converted = new LinkedHashMap<>();
      map.forEach((k, v) -> converted.put(k, toSpark(v, element)));
      return JavaConverters.mapAsScalaMap(converted).toMap(scala.Predef$.MODULE$.$conforms());
    }
    return value;
  }

  private static Object fromSpark(Object value, Type type) {
    if (value == null) {
      return null;
    }
    Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    Type element = type instanceof ParameterizedType p ? p.getActualTypeArguments()[p.getActualTypeArguments().length - 1] : Object.class;
    if (raw.isRecord()) {
      Row row = (Row) value;
      RecordComponent[] components = raw.getRecordComponents();
      Object[] args = new Object[components.length];
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        int index = row.schema() == null ? i : row.fieldIndex(columnName(components[i]));
        args[i] = fromSpark(row.get(index), components[i].getGenericType());
        types[i] = components[i].getType();
      }
      try {
        Constructor<?> constructor = raw.getDeclaredConstructor(types);
        constructor.setAccessible(true);
        return constructor.newInstance(args);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot build " + raw.getSimpleName() + " from row " + row, e);
      }
    }
    if (List.class.equals(raw)) {
      List<Object> out = new ArrayList<>();
      for (Object v : JavaConverters.seqAsJavaList((scala.collection.Seq<?>) value)) {
        out.add(fromSpark(v, element));
      }
      return out;
    }
    if (Map.class.equals(raw)) {
      Map<String, Object> out = new LinkedHashMap<>();
      JavaConverters.mapAsJavaMap((scala.collection.Map<?, ?>) value)
          .forEach((k, v) -> out.put((String) k, fromSpark(v, element)));
      return out;
    }
    return value;
  }

  private static Object read(RecordComponent component, Record record) {
    try {
      java.lang.reflect.Method accessor = component.getAccessor();
      accessor.setAccessible(true);
      return accessor.invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + component.getName(), e);
    }
  }
}
