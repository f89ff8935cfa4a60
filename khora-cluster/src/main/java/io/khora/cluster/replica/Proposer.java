package io.khora.cluster.replica;

import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.CommandCodec;
import io.khora.internal.wire.JavaDeserialization;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Group commit at the leader: proposals go out at once while fewer than {@code maxInFlight} log
 * entries of this replica are uncommitted; beyond that they queue, and when an entry commits the
 * queue is drained into the next entry — one {@link Command.Batch} of up to {@code maxCommands}
 * commands and {@code maxBytes} bytes (a queue of one goes as a plain command, byte for byte what it
 * was before batching). So a lone synchronous caller never waits for anyone, and many concurrent
 * callers share log entries, round trips and applies.
 *
 * <p>The queue is bounded (16 batches' worth, at least 1024 commands): past it a proposal fails at
 * once as overloaded, nothing proposed — as jgroups-raft's own full queue would refuse it.
 *
 * <p>Commands are encoded on the caller's thread; the queue is FIFO and drained by one thread at a
 * time, so commands enter the log in the order they were submitted (a type declaration submitted
 * before a write is applied before it). Each command keeps its own result or failure.
 */
final class Proposer {
    /** Appends a log entry (jgroups-raft {@code setAsync}); throws if this replica is not the leader. */
    interface Log {
        CompletableFuture<byte[]> append(byte[] entry);
    }

    private static final class Pending {
        final Command command;
        final CommandCodec.Part part;
        final CompletableFuture<Object> result = new CompletableFuture<>();

        Pending(Command command, CommandCodec.Part part) {
            this.command = command;
            this.part = part;
        }
    }

    private final Log log;
    private final LongSupplier clock;
    private final long timeoutMillis;
    private final int maxCommands;
    private final int maxBytes;
    private final int maxInFlight;
    private final Supplier<RuntimeException> notServing;
    private final BiFunction<Command, Throwable, RuntimeException> inFlightFailure;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final int maxQueued;
    private final Supplier<RuntimeException> overloaded;
    private final JavaDeserialization values;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicInteger batches = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong batchedCommands = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param log appends entries
     * @param clock the leader's time, stamped into each entry when it is sent
     * @param timeoutMillis how long an entry may take to commit before its commands fail with an unknown outcome
     * @param notServing the failure of commands that could not be appended (not the leader)
     * @param inFlightFailure the failure of a command whose entry failed after it was appended
     * @param overloaded the failure of a command refused because {@code 16 * maxCommands} wait already
     * @param values what Java-serialized values in the responses get (the partition's decision: a response
     *     recorded for a repeated call may have come in a peer's snapshot)
     */
    Proposer(Log log, LongSupplier clock, long timeoutMillis, int maxCommands, int maxBytes, int maxInFlight,
             Supplier<RuntimeException> notServing, BiFunction<Command, Throwable, RuntimeException> inFlightFailure,
             Supplier<RuntimeException> overloaded, JavaDeserialization values) {
        this.values = values.from("a response of this node's replica");
        this.maxQueued = Math.max(1024, 16 * maxCommands);
        this.overloaded = overloaded;
        this.log = log;
        this.clock = clock;
        this.timeoutMillis = timeoutMillis;
        this.maxCommands = maxCommands;
        this.maxBytes = maxBytes;
        this.maxInFlight = maxInFlight;
        this.notServing = notServing;
        this.inFlightFailure = inFlightFailure;
    }

    /** Proposes {@code c}; the future completes with its decoded result or fails with its failure. */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> submit(Command c) {
        Pending p;
        try {
            p = new Pending(c, CommandCodec.part(c));
        } catch (RuntimeException notEncodable) {
            return CompletableFuture.failedFuture(notEncodable);
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            return CompletableFuture.failedFuture(overloaded.get());
        }
        queue.add(p);
        drain();
        return (CompletableFuture<T>) p.result;
    }

    /** Log entries proposed so far that held more than one command, and the commands they held (status, tests). */
    long[] batchStats() {
        return new long[] {batches.get(), batchedCommands.get()};
    }

    private void drain() {
        // whoever holds "draining" re-checks after letting go, so nothing queued is left behind
        while (!queue.isEmpty() && inFlight.get() < maxInFlight) {
            if (!draining.compareAndSet(false, true)) {
                return;
            }
            try {
                while (inFlight.get() < maxInFlight) {
                    List<Pending> batch = poll();
                    if (batch.isEmpty()) {
                        break;
                    }
                    inFlight.incrementAndGet();
                    send(batch);
                }
            } finally {
                draining.set(false);
            }
        }
    }

    /** The next batch from the queue (only the draining thread polls). */
    private List<Pending> poll() {
        Pending first = queue.poll();
        if (first == null) {
            return List.of();
        }
        queued.decrementAndGet();
        List<Pending> batch = new ArrayList<>(4);
        batch.add(first);
        int bytes = first.part.body().length + 1;
        while (batch.size() < maxCommands) {
            Pending next = queue.peek();
            if (next == null || bytes + next.part.body().length + 1 > maxBytes) {
                break;
            }
            queue.poll();
            queued.decrementAndGet();
            batch.add(next);
            bytes += next.part.body().length + 1;
        }
        return batch;
    }

    private void send(List<Pending> batch) {
        long time = clock.getAsLong();
        CompletableFuture<byte[]> f;
        try {
            byte[] entry;
            if (batch.size() == 1) {
                entry = CommandCodec.entry(time, batch.get(0).part);
            } else {
                List<CommandCodec.Part> parts = new ArrayList<>(batch.size());
                for (Pending p : batch) {
                    parts.add(p.part);
                }
                entry = CommandCodec.batchEntry(time, parts);
                batches.incrementAndGet();
                batchedCommands.addAndGet(batch.size());
            }
            f = log.append(entry);
        } catch (RuntimeException notLeader) {
            inFlight.decrementAndGet();
            RuntimeException failure = notServing.get(); // nothing was proposed
            for (Pending p : batch) {
                p.result.completeExceptionally(failure);
            }
            return;
        }
        f.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((rsp, ex) -> {
            inFlight.decrementAndGet();
            try {
                drain(); // what queued while this entry was in flight goes out now, as one entry
            } finally {
                complete(batch, rsp, ex);
            }
        });
    }

    private void complete(List<Pending> batch, byte[] rsp, Throwable ex) {
        if (ex != null) {
            for (Pending p : batch) {
                p.result.completeExceptionally(inFlightFailure.apply(p.command, ex));
            }
            return;
        }
        if (batch.size() == 1) {
            Pending p = batch.get(0);
            try {
                p.result.complete(CommandCodec.decodeResult(CommandCodec.resultOpcode(p.command), rsp, values));
            } catch (RuntimeException failure) {
                p.result.completeExceptionally(failure);
            }
            return;
        }
        List<byte[]> responses;
        try {
            responses = CommandCodec.batchResponses(rsp, values);
            if (responses.size() != batch.size()) {
                throw new IllegalStateException("a batch of " + batch.size() + " commands got " + responses.size() + " responses");
            }
        } catch (RuntimeException failure) {
            for (Pending p : batch) {
                p.result.completeExceptionally(failure);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            try {
                p.result.complete(CommandCodec.decodeResult(CommandCodec.resultOpcode(p.command), responses.get(i), values));
            } catch (RuntimeException failure) {
                p.result.completeExceptionally(failure);
            }
        }
    }
}
