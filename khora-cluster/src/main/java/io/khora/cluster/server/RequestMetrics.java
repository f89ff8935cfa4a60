package io.khora.cluster.server;

import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Status;
import io.khora.metrics.MetricsListener;

import java.util.Locale;

/**
 * Reports each client request a node answered to its {@link MetricsListener}: the space, the
 * operation (a mutation by its command, {@code write}, {@code takeById}, …; a query as {@code read}
 * or {@code take}), the answer's status in lower case and the time from the request to its answer.
 * Requests about no space (HELLO, AUTH, STATUS, UNSUBSCRIBE) are not reported.
 */
final class RequestMetrics {
    private final MetricsListener listener;

    RequestMetrics(MetricsListener listener) {
        this.listener = listener;
    }

    /** Reports {@code r}, answered with {@code status} {@code nanos} after it arrived. */
    void answered(Request r, Status status, long nanos) {
        if (listener == MetricsListener.NONE) {
            return;
        }
        String space = space(r);
        if (space != null) {
            listener.operation(space, operation(r), status.name().toLowerCase(Locale.ROOT), nanos);
        }
    }

    /** The space a request is about, or null. */
    static String space(Request r) {
        if (r instanceof Request.Mutate m) {
            return m.space();
        } else if (r instanceof Request.ReadById rb) {
            return rb.space();
        } else if (r instanceof Request.Query q) {
            return q.space();
        } else if (r instanceof Request.Count c) {
            return c.space();
        } else if (r instanceof Request.Subscribe s) {
            return s.space();
        } else if (r instanceof Request.OutboxPull o) {
            return o.space();
        } else if (r instanceof Request.Declare d) {
            return d.space();
        } else if (r instanceof Request.Layout l) {
            return l.space();
        }
        return null;
    }

    /** The operation's name in lower camel case. */
    static String operation(Request r) {
        if (r instanceof Request.Mutate m) {
            return lowerCamel(m.command().getClass().getSimpleName());
        } else if (r instanceof Request.Query q) {
            return q.take() ? "take" : "read";
        }
        return lowerCamel(r.getClass().getSimpleName());
    }

    private static String lowerCamel(String name) {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
