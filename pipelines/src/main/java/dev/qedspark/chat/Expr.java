package dev.qedspark.chat;

/** A parsed template expression. */
@FunctionalInterface
interface Expr {
  Object eval(Scope scope);
}
