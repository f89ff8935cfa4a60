package io.khora.bench.local;

import io.khora.bench.model.PlainTrade;
import io.khora.bench.model.TradeData;
import io.khora.bench.peer.Contestant;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.concurrent.TimeUnit;

/**
 * Operations that change the number of entries, measured in batches of {@value #BATCH} so the store
 * stays the same size: {@code writeNew} writes a batch of never-used, increasing ids (removed again
 * after the invocation, unmeasured); {@code take} takes a batch of present ids (written in before
 * the invocation, unmeasured). JMH times each invocation alone, so the set-up and tear-down are not
 * in the figure; with 2 threads one thread's unmeasured refill can overlap the other's measured
 * batch, which costs both contestants alike. The store holds {@code entries} other entries
 * throughout.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class InsertTakeBenchmark {
    /** Operations per measured invocation. */
    public static final int BATCH = 1_000;

    @Param({"khora", "chm", "hz-binary", "hz-object"})
    public String contestant;

    @Param("100000")
    public int entries;

    ByIdStore store;

    @Setup(Level.Trial)
    public void open() {
        store = ByIdStore.open(Contestant.of(contestant));
        store.load(TradeData.plainRange(0, entries));
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
    }

    /** A thread's batch of trades; every invocation gets ids never used before. */
    @State(Scope.Thread)
    public static class Batch {
        final PlainTrade[] trades = new PlainTrade[BATCH];
        final Long[] ids = new Long[BATCH];
        long nextId;

        @Setup(Level.Trial)
        public void prepare(ThreadParams thread) {
            nextId = (thread.getThreadIndex() + 1L) << 40;
            for (int i = 0; i < BATCH; i++) {
                trades[i] = TradeData.plain(nextId + i);
            }
        }

        /** Gives the batch the next {@value #BATCH} unused ids. */
        void renumber() {
            for (int i = 0; i < BATCH; i++) {
                long id = nextId++;
                trades[i].setId(id);
                ids[i] = id;
            }
        }
    }

    /** A batch that is new to the store when the invocation starts. */
    @State(Scope.Thread)
    public static class FreshBatch extends Batch {
        @Setup(Level.Invocation)
        public void next() {
            renumber();
        }

        @TearDown(Level.Invocation)
        public void removeAgain(InsertTakeBenchmark b) {
            for (Long id : ids) {
                b.store.take(id);
            }
        }
    }

    /** A batch that is present in the store when the invocation starts. */
    @State(Scope.Thread)
    public static class PresentBatch extends Batch {
        @Setup(Level.Invocation)
        public void writeIn(InsertTakeBenchmark b) {
            renumber();
            for (PlainTrade t : trades) {
                b.store.write(t);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void writeNew(FreshBatch batch) {
        for (PlainTrade t : batch.trades) {
            store.write(t);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void take(PresentBatch batch, Blackhole bh) {
        for (Long id : batch.ids) {
            bh.consume(store.take(id));
        }
    }
}
