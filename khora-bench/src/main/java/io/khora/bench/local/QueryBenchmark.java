package io.khora.bench.local;

import io.khora.bench.model.IndexedTrade;
import io.khora.bench.model.TradeData;
import io.khora.bench.peer.Contestant;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Indexed operations on a store pre-filled with {@code entries} {@link IndexedTrade}s:
 * {@code templateRead} (one entry by its hash-indexed, unique {@code trader}), {@code rangeRead100}
 * (the {@value #RANGE} entries of a random price range on the ordered index) and
 * {@code updateIndexed} (a write of a present id, which maintains both indexes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QueryBenchmark {
    /** Entries a range read returns. */
    public static final int RANGE = 100;

    @Param({"khora", "jdk-index", "hz-binary", "hz-object"})
    public String contestant;

    @Param("100000")
    public int entries;

    QueryStore store;

    @Setup(Level.Trial)
    public void open() {
        store = QueryStore.open(Contestant.of(contestant));
        store.load(TradeData.indexedRange(0, entries));
        check();
    }

    /** Fails the trial if a contestant does not return what the benchmark claims to measure. */
    private void check() {
        Object one = store.templateRead(TradeData.trader(7)).get();
        if (!(one instanceof IndexedTrade t) || t.getId() != 7) {
            throw new IllegalStateException(contestant + ": template read by trader returned " + one);
        }
        double low = TradeData.price(entries / 2);
        int n = store.rangeRead(low, low + TradeData.rangeWidth(RANGE), RANGE).get().size();
        if (n != RANGE) {
            throw new IllegalStateException(contestant + ": range read returned " + n + " entries, not " + RANGE);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
    }

    /** One thread's prepared queries and update objects, for random ids. */
    @State(Scope.Thread)
    public static class Cursor {
        Supplier<Object>[] templates;
        Supplier<Collection<?>>[] ranges;
        IndexedTrade[] updates;
        int next;

        @SuppressWarnings("unchecked")
        @Setup(Level.Trial)
        public void prepare(QueryBenchmark b, ThreadParams thread) {
            Long[] ids = RandomIds.draw(b.entries - RANGE, 7 + thread.getThreadIndex());
            templates = new Supplier[ids.length];
            ranges = new Supplier[ids.length];
            updates = new IndexedTrade[ids.length];
            for (int i = 0; i < ids.length; i++) {
                long id = ids[i];
                templates[i] = b.store.templateRead(TradeData.trader(id));
                double low = TradeData.price(id);
                ranges[i] = b.store.rangeRead(low, low + TradeData.rangeWidth(RANGE), RANGE);
                IndexedTrade t = TradeData.indexed(id);
                t.setQuantity(t.getQuantity() + 1);
                updates[i] = t;
            }
        }

        int nextIndex() {
            return next++ & (RandomIds.SIZE - 1);
        }
    }

    @Benchmark
    public Object templateRead(Cursor c) {
        return c.templates[c.nextIndex()].get();
    }

    @Benchmark
    public Object rangeRead100(Cursor c) {
        return c.ranges[c.nextIndex()].get();
    }

    @Benchmark
    public void updateIndexed(Cursor c) {
        store.update(c.updates[c.nextIndex()]);
    }
}
