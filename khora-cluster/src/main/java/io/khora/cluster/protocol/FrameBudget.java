package io.khora.cluster.protocol;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory all connections' incomplete frames may hold together ({@code max-incomplete-frames-memory}
 * on a node). A frame decoder reserves what it allocates for a frame still arriving and gives it back
 * when the frame is complete (or dropped); a reservation that would exceed the budget is refused, and
 * the decoder skips that frame instead of buffering it. So many slow or stalled senders together hold
 * no more than the budget, whatever lengths they announce. Thread-safe.
 */
public final class FrameBudget {
    /** No limit (a client's connections). */
    public static final FrameBudget UNLIMITED = new FrameBudget(Long.MAX_VALUE);

    private final long capacity;
    private final AtomicLong held = new AtomicLong();

    /** A budget of {@code capacity} bytes. */
    public FrameBudget(long capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("a frame budget must be positive, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Reserves {@code bytes}; false (nothing reserved) if that would exceed the capacity. */
    public boolean tryReserve(long bytes) {
        if (capacity == Long.MAX_VALUE) {
            return true;
        }
        while (true) {
            long now = held.get();
            if (now + bytes > capacity) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Gives back {@code bytes} reserved before. */
    public void release(long bytes) {
        if (capacity != Long.MAX_VALUE && bytes > 0) {
            held.addAndGet(-bytes);
        }
    }

    /** The bytes reserved now. */
    public long held() {
        return held.get();
    }

    /** The capacity in bytes. */
    public long capacity() {
        return capacity;
    }
}
