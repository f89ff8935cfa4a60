package io.khora.internal.query;

/** One key of an ORDER BY clause. */
record OrderItem(Path path, boolean descending) {
}
