package io.khora.cluster.replica;

import io.khora.cluster.Futures;
import io.khora.cluster.raft.ReplicatedOutbox;
import io.khora.persistence.PersistenceBacklogFullException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The leader's side of a partition's replicated write-behind outbox ({@link ReplicatedOutbox}):
 * mutations wait here for room in a full outbox (up to the backlog wait), and the mirror's pulls
 * park here until records arrive (up to their wait). Both are woken by the outbox's listener, which
 * runs on the Raft apply thread after each append and acknowledgement: it only hands the wake-up to
 * the partition's timer thread.
 */
final class LeaderOutbox {
    private final String spaceName;
    private final int partitionId;
    private final ReplicatedOutbox outbox;
    private final ScheduledExecutorService timer;
    private final Duration backlogWait;
    /** The leader's log time, for messages. */
    private final java.util.function.LongSupplier logTime;
    private final Object lock = new Object();
    /** A wake-up and the future it serves (dropped once that future is done). */
    private record Waiter(CompletableFuture<?> owner, Runnable wake) {
    }

    private List<Waiter> waiting = new ArrayList<>();

    LeaderOutbox(String spaceName, int partitionId, ReplicatedOutbox outbox, ScheduledExecutorService timer, Duration backlogWait,
                 java.util.function.LongSupplier logTime) {
        this.logTime = logTime;
        this.spaceName = spaceName;
        this.partitionId = partitionId;
        this.outbox = outbox;
        this.timer = timer;
        this.backlogWait = backlogWait;
        outbox.addListener(this::changed);
    }

    ReplicatedOutbox outbox() {
        return outbox;
    }

    private void changed() {
        List<Waiter> woken;
        synchronized (lock) {
            if (waiting.isEmpty()) {
                return;
            }
            woken = waiting;
            waiting = new ArrayList<>();
        }
        try {
            timer.execute(() -> woken.forEach(w -> w.wake().run()));
        } catch (RuntimeException rejected) {
            woken.forEach(w -> w.wake().run()); // closing
        }
    }

    /** Runs {@code r} at the outbox's next change (once), unless {@code owner} is done by then. */
    private void onChange(CompletableFuture<?> owner, Runnable r) {
        synchronized (lock) {
            if (waiting.size() >= 256) {
                waiting.removeIf(w -> w.owner().isDone()); // pulls that timed out while nothing changed
            }
            waiting.add(new Waiter(owner, r));
        }
    }

    /**
     * Proposes a mutation once the outbox has room, and again while it is refused as the outbox filled
     * meanwhile, until the backlog wait is over: then the refusal stands.
     */
    <T> CompletableFuture<T> whenRoom(Supplier<CompletableFuture<T>> propose) {
        if (!outbox.isFull()) {
            return retryWhileFull(propose, System.nanoTime() + backlogWait.toNanos());
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        awaitRoom(propose, System.nanoTime() + backlogWait.toNanos(), out);
        return out;
    }

    private <T> CompletableFuture<T> retryWhileFull(Supplier<CompletableFuture<T>> propose, long deadline) {
        return propose.get().handle((r, ex) -> {
            if (ex == null) {
                return CompletableFuture.completedFuture(r);
            }
            Throwable cause = Futures.cause(ex);
            if (cause instanceof PersistenceBacklogFullException && deadline - System.nanoTime() > 0) {
                CompletableFuture<T> again = new CompletableFuture<>();
                awaitRoom(propose, deadline, again);
                return again;
            }
            return CompletableFuture.<T>failedFuture(cause);
        }).thenCompose(f -> f);
    }

    private <T> void awaitRoom(Supplier<CompletableFuture<T>> propose, long deadline, CompletableFuture<T> out) {
        if (out.isDone()) {
            return;
        }
        if (!outbox.isFull()) {
            retryWhileFull(propose, deadline).whenComplete((r, ex) -> {
                if (ex != null) {
                    out.completeExceptionally(Futures.cause(ex));
                } else {
                    out.complete(r);
                }
            });
            return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            out.completeExceptionally(new PersistenceBacklogFullException(spaceName, partitionId, outbox.size(), outbox.capacity(),
                    backlogWait));
            return;
        }
        onChange(out, () -> awaitRoom(propose, deadline, out));
        timer.schedule(() -> awaitRoom(propose, deadline, out), left, TimeUnit.NANOSECONDS);
    }

    /**
     * Up to {@code max} records after {@code after} for the mirror of lease epoch {@code epoch}: at
     * once if there are some (or {@code waitMillis} is 0), else when some arrive or the wait is over
     * (then possibly none). Every read checks the epoch (a parked pull too, when it wakes): a mirror
     * whose lease was taken over gets {@link io.khora.persistence.MirrorFencedException}, never a
     * record appended after that.
     */
    CompletableFuture<ReplicatedOutbox.Slice> pull(long after, int max, long waitMillis, long epoch) {
        ReplicatedOutbox.Slice now;
        try {
            now = outbox.read(after, max, epoch, logTime.getAsLong());
        } catch (RuntimeException fenced) {
            return CompletableFuture.failedFuture(fenced);
        }
        if (!now.records().isEmpty() || waitMillis <= 0 || now.logId() == null) {
            return CompletableFuture.completedFuture(now);
        }
        CompletableFuture<ReplicatedOutbox.Slice> out = new CompletableFuture<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        parkPull(after, max, epoch, deadline, out);
        timer.schedule(() -> parkPull(after, max, epoch, System.nanoTime(), out), waitMillis, TimeUnit.MILLISECONDS);
        return out;
    }

    /** Answers {@code out} now if there are records (or the deadline passed, or the epoch is stale), else waits for a change. */
    private void parkPull(long after, int max, long epoch, long deadline, CompletableFuture<ReplicatedOutbox.Slice> out) {
        if (out.isDone()) {
            return;
        }
        ReplicatedOutbox.Slice now;
        try {
            now = outbox.read(after, max, epoch, logTime.getAsLong());
        } catch (RuntimeException fenced) {
            out.completeExceptionally(fenced);
            return;
        }
        if (!now.records().isEmpty() || deadline - System.nanoTime() <= 0) {
            out.complete(now);
            return;
        }
        onChange(out, () -> parkPull(after, max, epoch, deadline, out));
    }

    /** Ends every parked pull and wait now (the leadership ended): they re-check and answer what they have. */
    void wakeAll() {
        changed();
    }
}
