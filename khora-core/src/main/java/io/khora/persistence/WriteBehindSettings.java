package io.khora.persistence;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of write-behind persistence: where the outboxes live, how durable an acknowledged
 * change is, how far writers may run ahead of the data store, and how the mirror batches and
 * retries. Immutable; build with {@link #builder(Path)}, which validates every value at once.
 */
public final class WriteBehindSettings {
    /** When an acknowledged change is on disk. */
    public enum Durability {
        /** fsync before each operation returns: survives a power loss (group commit amortises it across writers). */
        PER_OPERATION,
        /** written to the OS before the operation returns (survives a crash of the JVM), fsync'd per mirror batch. */
        PER_BATCH
    }

    private final Path directory;
    private final Durability durability;
    private final int maxPendingPerPartition;
    private final Duration backlogWait;
    private final int batchSize;
    private final Duration batchInterval;
    private final Duration retryInitial;
    private final Duration retryMax;
    private final Duration flushTimeout;
    private final long segmentBytes;

    private WriteBehindSettings(Builder b) {
        this.directory = b.directory;
        this.durability = b.durability;
        this.maxPendingPerPartition = b.maxPendingPerPartition;
        this.backlogWait = b.backlogWait;
        this.batchSize = b.batchSize;
        this.batchInterval = b.batchInterval;
        this.retryInitial = b.retryInitial;
        this.retryMax = b.retryMax;
        this.flushTimeout = b.flushTimeout;
        this.segmentBytes = b.segmentBytes;
    }

    /** A builder; the outboxes go under {@code directory}/{space name}/partition-N. */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** The base directory. */
    public Path directory() {
        return directory;
    }

    /** When an acknowledged change is on disk. */
    public Durability durability() {
        return durability;
    }

    /** Undelivered changes a partition's outbox holds at most before writers wait. */
    public int maxPendingPerPartition() {
        return maxPendingPerPartition;
    }

    /** How long a writer waits for room in a full outbox before failing. */
    public Duration backlogWait() {
        return backlogWait;
    }

    /** Changes per mirror batch at most. */
    public int batchSize() {
        return batchSize;
    }

    /** The longest a change waits for its batch to fill before it is delivered anyway. */
    public Duration batchInterval() {
        return batchInterval;
    }

    /** The first retry delay after the store refused a batch. */
    public Duration retryInitial() {
        return retryInitial;
    }

    /** The longest retry delay (the delay doubles up to it, with jitter). */
    public Duration retryMax() {
        return retryMax;
    }

    /** How long {@code close()} keeps delivering before it stops and reports what remains. */
    public Duration flushTimeout() {
        return flushTimeout;
    }

    /** The size of one outbox segment file. */
    public long segmentBytes() {
        return segmentBytes;
    }

    @Override
    public String toString() {
        return "WriteBehindSettings[" + directory + ", " + durability + ", maxPending=" + maxPendingPerPartition + ", batch="
                + batchSize + "/" + batchInterval.toMillis() + "ms]";
    }

    /** Builds {@link WriteBehindSettings}; every setter validates its argument. */
    public static final class Builder {
        private final Path directory;
        private Durability durability = Durability.PER_OPERATION;
        private int maxPendingPerPartition = 1_000_000;
        private Duration backlogWait = Duration.ofSeconds(10);
        private int batchSize = 1_000;
        private Duration batchInterval = Duration.ofMillis(50);
        private Duration retryInitial = Duration.ofMillis(100);
        private Duration retryMax = Duration.ofSeconds(30);
        private Duration flushTimeout = Duration.ofSeconds(30);
        private long segmentBytes = 64L << 20;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "write-behind directory");
        }

        /** Durability of acknowledged changes (default PER_OPERATION). */
        public Builder durability(Durability d) {
            this.durability = Objects.requireNonNull(d, "durability");
            return this;
        }

        /** Outbox capacity per partition (default 1,000,000 changes). */
        public Builder maxPendingPerPartition(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxPendingPerPartition must be at least 1, got " + max);
            }
            this.maxPendingPerPartition = max;
            return this;
        }

        /** How long writers wait for room in a full outbox (default 10 s). */
        public Builder backlogWait(Duration wait) {
            this.backlogWait = nonNegative("backlogWait", wait);
            return this;
        }

        /** Changes per batch at most (default 1,000). */
        public Builder batchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + size);
            }
            this.batchSize = size;
            return this;
        }

        /** The longest a change waits for a fuller batch (default 50 ms). */
        public Builder batchInterval(Duration interval) {
            this.batchInterval = positive("batchInterval", interval);
            return this;
        }

        /** Retry delays after a refused batch: starting at {@code initial}, doubling to {@code max}, with jitter. */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.retryInitial = positive("retry initial delay", initial);
            this.retryMax = positive("retry max delay", max);
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("retry max delay " + max + " is below the initial delay " + initial);
            }
            return this;
        }

        /** How long close() keeps delivering (default 30 s). */
        public Builder flushTimeout(Duration timeout) {
            this.flushTimeout = nonNegative("flushTimeout", timeout);
            return this;
        }

        /** Outbox segment file size (default 64 MiB). */
        public Builder segmentBytes(long bytes) {
            if (bytes < 4096) {
                throw new IllegalArgumentException("segmentBytes must be at least 4096, got " + bytes);
            }
            this.segmentBytes = bytes;
            return this;
        }

        private static Duration positive(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }

        private static Duration nonNegative(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative, got " + d);
            }
            return d;
        }

        /** The settings. */
        public WriteBehindSettings build() {
            return new WriteBehindSettings(this);
        }
    }
}
