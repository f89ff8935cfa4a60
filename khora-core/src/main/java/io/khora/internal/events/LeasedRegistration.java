package io.khora.internal.events;

import io.khora.EventRegistration;
import io.khora.Lease;
import io.khora.Scheduler;
import io.khora.SpaceException;
import io.khora.Subscription;
import io.khora.Ticker;

import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The lease of an event subscription: ends the subscription at its expiry (by a timer on the
 * injected {@link Scheduler}, and on access — a subscription whose lease passed on the injected
 * {@link Ticker} is ended before it is offered another event, whatever the timer did), renews it,
 * or cancels it. The same class serves an embedded subscription and a remote one (whose client ends
 * it at expiry by unsubscribing).
 */
public final class LeasedRegistration implements EventRegistration {
    private final Subscription target;
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final Consumer<SpaceException> onExpiry;
    private final String what;
    private volatile long expiresAt;
    private Future<?> timer;
    private boolean ended;

    /**
     * @param target the subscription the lease governs
     * @param lease its first lease
     * @param ticker the time the lease counts in
     * @param scheduler runs the expiry timer
     * @param onExpiry ends {@code target} and tells its listener why, at expiry
     * @param what names the subscription in messages
     */
    public LeasedRegistration(Subscription target, Lease lease, Ticker ticker, Scheduler scheduler,
                              Consumer<SpaceException> onExpiry, String what) {
        this.target = Objects.requireNonNull(target, "target");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.onExpiry = Objects.requireNonNull(onExpiry, "onExpiry");
        this.what = what;
        Objects.requireNonNull(lease, "subscription lease must not be null (use Lease.FOREVER)");
        this.expiresAt = lease.expiryFrom(ticker.millis());
        arm();
    }

    /** The subscription the lease governs. */
    Subscription target() {
        return target;
    }

    @Override
    public long expiresAt() {
        return expiresAt;
    }

    @Override
    public synchronized void renew(Lease lease) {
        Objects.requireNonNull(lease, "subscription lease must not be null (use Lease.FOREVER)");
        if (!isActive()) {
            throw new IllegalStateException(what + " has ended (its lease expired, or it was closed or terminated); subscribe again");
        }
        expiresAt = lease.expiryFrom(ticker.millis());
        arm();
    }

    /** Whether the lease has passed; ends the subscription if so. Cheap; safe under a partition lock. */
    public boolean expiredNow() {
        long at = expiresAt;
        if (at == Long.MAX_VALUE || ticker.millis() < at) {
            return false;
        }
        expire();
        return true;
    }

    @Override
    public boolean isActive() {
        return !expiredNow() && target.isActive();
    }

    @Override
    public synchronized void close() {
        ended = true;
        cancelTimer();
        target.close();
    }

    private synchronized void arm() {
        cancelTimer();
        long at = expiresAt;
        if (at == Long.MAX_VALUE || ended) {
            return;
        }
        try {
            timer = scheduler.schedule(this::onTimer, Math.max(1L, at - ticker.millis()));
        } catch (RejectedExecutionException closing) {
            timer = null; // the space is closing: its subscriptions end with it
        }
    }

    private void onTimer() {
        if (!expiredNow()) {
            arm(); // renewed meanwhile
        }
    }

    private void expire() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            cancelTimer();
        }
        onExpiry.accept(new SpaceException(what + ": its lease expired; it was unsubscribed"));
    }

    private void cancelTimer() {
        Future<?> t = timer;
        if (t != null) {
            t.cancel(false);
            timer = null;
        }
    }

    @Override
    public String toString() {
        return "EventRegistration[" + what + ", expiresAt=" + (expiresAt == Long.MAX_VALUE ? "FOREVER" : expiresAt) + "]";
    }
}
