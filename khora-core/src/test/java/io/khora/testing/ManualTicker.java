package io.khora.testing;

import io.khora.Ticker;

import java.util.concurrent.atomic.AtomicLong;

/** A {@link Ticker} that only moves when a test moves it. */
public final class ManualTicker implements Ticker {
    private final AtomicLong now;

    /** Starting at {@code startMillis}. */
    public ManualTicker(long startMillis) {
        this.now = new AtomicLong(startMillis);
    }

    @Override
    public long millis() {
        return now.get();
    }

    /** Moves time forward by {@code millis}; returns the new time. */
    public long advance(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("time only moves forward: " + millis);
        }
        return now.addAndGet(millis);
    }

    /** Moves time to {@code millis} (not backwards). */
    public void set(long millis) {
        if (millis < now.get()) {
            throw new IllegalArgumentException("time only moves forward: " + millis + " < " + now.get());
        }
        now.set(millis);
    }
}
