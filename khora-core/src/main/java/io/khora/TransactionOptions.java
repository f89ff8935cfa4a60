package io.khora;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Transaction} behaves: its isolation, its timeout and how long its operations wait for
 * entries other transactions hold. Immutable; every {@code with…} method returns a copy.
 *
 * <pre>{@code
 * TransactionOptions o = TransactionOptions.defaults()
 *         .withTimeout(Duration.ofSeconds(5))
 *         .withIsolation(TransactionOptions.Isolation.EXCLUSIVE_READ);
 * }</pre>
 */
public final class TransactionOptions {
    /** What the reads of a transaction see and lock. Writes, updates and takes always lock. */
    public enum Isolation {
        /**
         * The default: a read sees the last committed state of an entry (or the transaction's own
         * uncommitted change of it) and takes no lock, so it never waits; two reads of one entry may
         * see different committed states.
         */
        READ_COMMITTED,
        /**
         * Read-for-update: every read also locks what it returns, as an update would, until the
         * transaction ends; other transactions' exclusive reads, updates and takes of those entries
         * wait. Reads under locks held to the end give a transaction repeatable, consistent reads of
         * the entries it read (two-phase locking). Plain {@code READ_COMMITTED} readers still see the
         * committed state without waiting.
         */
        EXCLUSIVE_READ
    }

    private static final TransactionOptions DEFAULTS = new TransactionOptions(Isolation.READ_COMMITTED, null, null);

    private final Isolation isolation;
    private final Duration timeout;
    private final Duration lockWait;

    private TransactionOptions(Isolation isolation, Duration timeout, Duration lockWait) {
        this.isolation = isolation;
        this.timeout = timeout;
        this.lockWait = lockWait;
    }

    /** READ_COMMITTED, the space's default timeout and lock wait. */
    public static TransactionOptions defaults() {
        return DEFAULTS;
    }

    /** With {@code isolation}. */
    public TransactionOptions withIsolation(Isolation isolation) {
        return new TransactionOptions(Objects.requireNonNull(isolation, "isolation"), timeout, lockWait);
    }

    /**
     * With a timeout: a transaction not committed within it from {@code beginTransaction} is rolled
     * back by the space's scheduler (its locks released), and its later operations and commit throw
     * {@link TransactionTimedOutException}.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public TransactionOptions withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("transaction timeout must be positive, got " + timeout);
        }
        return new TransactionOptions(isolation, timeout, lockWait);
    }

    /**
     * With a lock wait: how long an operation of this transaction that needs an entry another
     * transaction holds waits for it before failing with {@link TransactionConflictException}.
     * Zero fails at once.
     *
     * @throws IllegalArgumentException if {@code wait} is negative
     */
    public TransactionOptions withLockWait(Duration wait) {
        Objects.requireNonNull(wait, "lock wait");
        if (wait.isNegative()) {
            throw new IllegalArgumentException("lock wait must not be negative, got " + wait);
        }
        return new TransactionOptions(isolation, timeout, wait);
    }

    /** The isolation (default READ_COMMITTED). */
    public Isolation isolation() {
        return isolation;
    }

    /** The timeout, or null for the space's default ({@link EmbeddedSpaceBuilder#transactionTimeout}). */
    public Duration timeout() {
        return timeout;
    }

    /** The lock wait, or null for the space's default ({@link EmbeddedSpaceBuilder#lockWait}). */
    public Duration lockWait() {
        return lockWait;
    }

    @Override
    public String toString() {
        return "TransactionOptions[" + isolation + ", timeout=" + (timeout == null ? "default" : timeout)
                + ", lockWait=" + (lockWait == null ? "default" : lockWait) + "]";
    }
}
