package io.khora.metrics;

/**
 * What Khora reports as it runs, for a metrics library to count and time: operations served, client
 * retries and outcomes, initial loads. Every method has an empty default and {@link #NONE} reports
 * nothing, so Khora needs no metrics library; {@code khora-micrometer}'s {@code KhoraMeterBinder}
 * is the implementation that feeds Micrometer.
 *
 * <p>Methods are called on Khora's own threads (event loops, partition threads, client
 * schedulers) and must return quickly and never throw.
 */
public interface MetricsListener {
    /** Reports nothing. */
    MetricsListener NONE = new MetricsListener() {
    };

    /**
     * An operation a node or an embedded space served has ended.
     *
     * @param space the space's name
     * @param operation what was asked, in lower camel case: {@code write}, {@code readById}, {@code takeQuery}, …
     * @param outcome {@code ok}, or the failure's status in lower case ({@code not_leader}, {@code error}, …)
     * @param nanos how long it took
     */
    default void operation(String space, String operation, String outcome, long nanos) {
    }

    /**
     * A client sent another attempt of a call (another node, a lost connection, no leader yet).
     *
     * @param space the space's name
     */
    default void clientRetry(String space) {
    }

    /**
     * A client call has ended.
     *
     * @param space the space's name
     * @param outcome {@code ok}, {@code unknown} (it may have been applied: {@code OutcomeUnknownException}),
     *     or {@code failed}
     */
    default void clientOutcome(String space, String outcome) {
    }

    /**
     * The initial load of one partition has ended.
     *
     * @param space the space's name
     * @param partition the 0-based partition
     * @param rows the rows it loaded
     * @param nanos how long it took
     */
    default void initialLoad(String space, int partition, long rows, long nanos) {
    }
}
