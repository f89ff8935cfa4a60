package io.khora.persistence;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An iterator over data read from a data source, which holds resources (a cursor, a session) until
 * closed. The space always closes the iterators it is given, also when it stops early.
 *
 * @param <T> the element type (entries: POJOs or {@link io.khora.document.SpaceDocument}s)
 */
public interface DataIterator<T> extends Iterator<T>, AutoCloseable {
    /** Releases the iterator's resources. Idempotent; must not throw for a second call. */
    @Override
    void close();

    /** An iterator over {@code iterator} with nothing to close. */
    static <T> DataIterator<T> of(Iterator<? extends T> iterator) {
        return new DataIterator<>() {
            @Override
            public boolean hasNext() {
                return iterator.hasNext();
            }

            @Override
            public T next() {
                return iterator.next();
            }

            @Override
            public void close() {
            }
        };
    }

    /** An iterator over a list. */
    static <T> DataIterator<T> of(List<? extends T> list) {
        return of(list.iterator());
    }

    /**
     * The elements of {@code parts}, one part after the other; each part is closed once drained, and
     * {@link #close()} closes those not yet drained.
     */
    static <T> DataIterator<T> concat(List<? extends DataIterator<? extends T>> parts) {
        List<DataIterator<? extends T>> list = new java.util.ArrayList<>(parts);
        return new DataIterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                while (i < list.size()) {
                    if (list.get(i).hasNext()) {
                        return true;
                    }
                    list.get(i).close();
                    i++;
                }
                return false;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return list.get(i).next();
            }

            @Override
            public void close() {
                for (int k = i; k < list.size(); k++) {
                    list.get(k).close();
                }
                i = list.size();
            }
        };
    }

    /** An empty iterator. */
    static <T> DataIterator<T> empty() {
        return new DataIterator<>() {
            @Override
            public boolean hasNext() {
                return false;
            }

            @Override
            public T next() {
                throw new NoSuchElementException();
            }

            @Override
            public void close() {
            }
        };
    }
}
