package io.khora.bench.local;

import io.khora.bench.model.PlainTrade;
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

import java.util.concurrent.TimeUnit;

/**
 * Steady-state by-id operations on a store pre-filled with {@code entries} {@link PlainTrade}s:
 * {@code readById} of a random present id, and {@code update} (a write of a random present id).
 * Each thread cycles through its own pre-boxed random ids and pre-built update objects.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ByIdBenchmark {
    @Param({"khora", "chm", "hz-binary", "hz-object"})
    public String contestant;

    @Param("100000")
    public int entries;

    ByIdStore store;

    @Setup(Level.Trial)
    public void open() {
        store = ByIdStore.open(Contestant.of(contestant));
        store.load(TradeData.plainRange(0, entries));
        if (store.size() != entries || store.read(0L) == null) {
            throw new IllegalStateException(contestant + ": pre-fill failed, size " + store.size());
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
    }

    /** One thread's random ids and update objects. */
    @State(Scope.Thread)
    public static class Cursor {
        Long[] ids;
        PlainTrade[] updates;
        int next;

        @Setup(Level.Trial)
        public void prepare(ByIdBenchmark b, ThreadParams thread) {
            ids = RandomIds.draw(b.entries, 42 + thread.getThreadIndex());
            updates = new PlainTrade[RandomIds.SIZE];
            for (int i = 0; i < updates.length; i++) {
                PlainTrade t = TradeData.plain(ids[i]);
                t.setQuantity(t.getQuantity() + 1);
                updates[i] = t;
            }
        }

        Long nextId() {
            return ids[next++ & (RandomIds.SIZE - 1)];
        }

        PlainTrade nextUpdate() {
            return updates[next++ & (RandomIds.SIZE - 1)];
        }
    }

    @Benchmark
    public Object readById(Cursor c) {
        return store.read(c.nextId());
    }

    @Benchmark
    public void update(Cursor c) {
        store.write(c.nextUpdate());
    }
}
