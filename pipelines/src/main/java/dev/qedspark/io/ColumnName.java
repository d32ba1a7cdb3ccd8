package dev.qedspark.io;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Overrides the column name that {@link RecordSchema} derives from a record component, for
 * published column names that are not snake_case identifiers (for example
 * {@code gemini-3-pro-grade}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface ColumnName {
  String value();
}
