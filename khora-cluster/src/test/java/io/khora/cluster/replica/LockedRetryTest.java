package io.khora.cluster.replica;

import io.khora.cluster.raft.EntryLockedException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retrying proposals refused by a prepared transaction's lock: only those, only until the deadline. */
class LockedRetryTest {
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LockedRetry retry = new LockedRetry(timer, nanos::get, closed::get);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static <T> CompletableFuture<T> locked() {
        return CompletableFuture.failedFuture(new EntryLockedException("locked", "tx-1"));
    }

    @Test
    @Timeout(10)
    void aLockedAttemptRunsAgainUntilItIsNoLongerLocked() {
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<String> f = retry.run(() -> attempts.incrementAndGet() < 4 ? locked() : CompletableFuture.completedFuture("ok"),
                TimeUnit.SECONDS.toNanos(5));
        assertThat(f.join()).isEqualTo("ok");
        assertThat(attempts).hasValue(4);
    }

    @Test
    @Timeout(10)
    void otherFailuresStandAtOnce() {
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<String> f = retry.run(() -> {
            attempts.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException("no"));
        }, TimeUnit.SECONDS.toNanos(5));
        assertThatThrownBy(f::join).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    @Timeout(10)
    void theRefusalStandsOnceTheDeadlinePassedOrTheReplicaClosed() {
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<String> f = retry.run(() -> {
            if (attempts.incrementAndGet() == 3) {
                nanos.addAndGet(TimeUnit.SECONDS.toNanos(2)); // the deadline passes during the third attempt
            }
            return locked();
        }, TimeUnit.SECONDS.toNanos(1));
        assertThatThrownBy(f::join).hasCauseInstanceOf(EntryLockedException.class);
        assertThat(attempts).hasValue(3);

        closed.set(true);
        AtomicInteger afterClose = new AtomicInteger();
        assertThatThrownBy(retry.run(() -> {
            afterClose.incrementAndGet();
            return locked();
        }, TimeUnit.SECONDS.toNanos(1))::join).hasCauseInstanceOf(EntryLockedException.class);
        assertThat(afterClose).hasValue(1);
    }
}
