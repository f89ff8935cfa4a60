package io.khora.bench.local;

import io.khora.bench.model.IndexedTrade;
import io.khora.bench.peer.Contestant;

import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The indexed operations of one contestant over {@link IndexedTrade}s. Queries are prepared once
 * (as a user keeps a query object) and run many times.
 */
public interface QueryStore extends AutoCloseable {

    /** A prepared read of one entry whose (hash-indexed) {@code trader} equals {@code trader}. */
    Supplier<Object> templateRead(String trader);

    /** A prepared read of up to {@code max} entries with {@code low <= price <= high} (ordered index). */
    Supplier<Collection<?>> rangeRead(double low, double high, int max);

    /** Writes {@code t}, replacing the entry with its id and maintaining the indexes. */
    void update(IndexedTrade t);

    /** Writes every trade (set-up only, never measured). */
    void load(List<IndexedTrade> trades);

    /** Releases the contestant. */
    @Override
    void close();

    /** The store of {@code contestant}, empty. */
    static QueryStore open(Contestant contestant) {
        return switch (contestant) {
            case KHORA -> new KhoraQueryStore();
            case JDK_INDEX -> new JdkIndexQueryStore();
            case HZ_BINARY, HZ_OBJECT -> new HazelcastQueryStore(contestant.format());
            default -> throw new IllegalArgumentException(contestant + " has no query store");
        };
    }
}
