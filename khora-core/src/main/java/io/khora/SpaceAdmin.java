package io.khora;

/** Operator controls of a space's life cycle. */
public interface SpaceAdmin {
    /** READY → SUSPENDED: operations wait (up to the space wait) until {@link #resume()}. */
    void suspend();

    /** SUSPENDED or RECOVER → READY. */
    void resume();

    /** Changes accepted but not yet delivered to the synchronization endpoint (write-behind; 0 otherwise). */
    long pendingChanges();

    /**
     * Waits until every change accepted so far is delivered (write-behind).
     *
     * @return true if delivered, false if {@code timeout} elapsed first
     */
    boolean flush(java.time.Duration timeout);

    /** Write-behind operations the endpoint refused and that were set aside, oldest first. */
    java.util.List<io.khora.persistence.DeadLetter> deadLetters();
}
