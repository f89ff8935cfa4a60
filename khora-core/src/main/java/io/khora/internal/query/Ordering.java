package io.khora.internal.query;

import java.util.Comparator;
import java.util.List;

/**
 * The ORDER BY comparator of values arrays: key by key, ascending with nulls last, descending
 * with nulls first (PostgreSQL's defaults), by {@link Values#ORDER}. Never throws: values of
 * incomparable kinds are ordered by kind.
 */
final class Ordering implements Comparator<Object[]> {
    private final ValueReader[] readers;
    private final boolean[] descending;

    Ordering(List<ValueReader> readers, boolean[] descending) {
        if (readers.size() != descending.length) {
            throw new IllegalArgumentException("one direction per key");
        }
        this.readers = readers.toArray(new ValueReader[0]);
        this.descending = descending.clone();
    }

    @Override
    public int compare(Object[] a, Object[] b) {
        for (int i = 0; i < readers.length; i++) {
            int c = Values.ORDER.compare(readers[i].read(a), readers[i].read(b));
            if (c != 0) {
                return descending[i] ? -c : c;
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ORDER BY ");
        for (int i = 0; i < readers.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(readers[i]).append(descending[i] ? " DESC" : " ASC");
        }
        return sb.toString();
    }
}
