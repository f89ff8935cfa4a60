package io.khora.internal.writebehind;

import java.sql.SQLException;
import java.util.Set;

/**
 * What a refusal by the store says about the change and the store, from the exception's cause
 * chain — no dependency on any driver or ORM, names and SQLStates only:
 * <ul>
 *   <li>{@link #UNAVAILABLE}: the store is not reachable or not accepting work now (connection
 *       errors, SQLState classes 08, 53, 57P, 40 — e.g. serialization failure, deadlock —, transient
 *       or recoverable JDBC exceptions, I/O errors, and any {@link Error}, which says nothing about
 *       the data; the Cassandra driver's timeouts, unavailable and no-node errors;
 *       and {@link io.khora.persistence.MirrorFencedException}: this mirror lost its lease).
 *       Retry later; never a dead letter.</li>
 *   <li>{@link #BAD_DATA}: the change itself is refused (SQLState classes 22 data exception and 23
 *       integrity constraint violation, or an {@link IllegalArgumentException} from the endpoint's
 *       own validation, or the Cassandra driver's {@code InvalidQueryException}). Set aside at once.</li>
 *   <li>{@link #UNKNOWN}: anything else. Suspected, and set aside only once a later change is
 *       accepted.</li>
 * </ul>
 */
enum FailureKind {
    UNAVAILABLE, BAD_DATA, UNKNOWN;

    private static final Set<String> UNAVAILABLE_NAMES = Set.of(
            "java.net.ConnectException", "java.net.SocketException", "java.net.SocketTimeoutException",
            "java.net.NoRouteToHostException", "java.io.EOFException",
            "org.hibernate.exception.JDBCConnectionException", "org.hibernate.exception.LockAcquisitionException",
            "org.hibernate.exception.LockTimeoutException", "org.hibernate.PessimisticLockException",
            "org.hibernate.QueryTimeoutException", "jakarta.persistence.LockTimeoutException",
            "jakarta.persistence.QueryTimeoutException", "org.hibernate.exception.GenericJDBCException_closed",
            // the Apache Cassandra Java driver 4.x (khora-cassandra)
            "com.datastax.oss.driver.api.core.AllNodesFailedException", "com.datastax.oss.driver.api.core.NoNodeAvailableException",
            "com.datastax.oss.driver.api.core.DriverTimeoutException", "com.datastax.oss.driver.api.core.NodeUnavailableException",
            "com.datastax.oss.driver.api.core.connection.ClosedConnectionException",
            "com.datastax.oss.driver.api.core.connection.HeartbeatException",
            "com.datastax.oss.driver.api.core.connection.ConnectionInitException",
            "com.datastax.oss.driver.api.core.connection.BusyConnectionException",
            "com.datastax.oss.driver.api.core.servererrors.UnavailableException",
            "com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException",
            "com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException",
            "com.datastax.oss.driver.api.core.servererrors.OverloadedException",
            "com.datastax.oss.driver.api.core.servererrors.BootstrappingException");
    /** Refusals of the change itself by a store that is up (the Cassandra driver's invalid request). */
    private static final Set<String> BAD_DATA_NAMES = Set.of(
            "com.datastax.oss.driver.api.core.servererrors.InvalidQueryException",
            "com.datastax.oss.driver.api.core.type.codec.CodecNotFoundException");

    static FailureKind of(Throwable failure) {
        FailureKind verdict = UNKNOWN;
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 32; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof Error || t instanceof io.khora.persistence.MirrorFencedException) {
                return UNAVAILABLE; // a fenced mirror: the changes are good, this mirror may not deliver them
            }
            if (t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException
                    || t instanceof java.sql.SQLNonTransientConnectionException || t instanceof java.io.IOException
                    || UNAVAILABLE_NAMES.contains(t.getClass().getName())) {
                return UNAVAILABLE;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || state.startsWith("40")) {
                    return UNAVAILABLE;
                }
                if (state.startsWith("22") || state.startsWith("23")) {
                    verdict = BAD_DATA;
                }
            }
            if ((t instanceof IllegalArgumentException || BAD_DATA_NAMES.contains(t.getClass().getName())) && verdict == UNKNOWN) {
                verdict = BAD_DATA;
            }
        }
        return verdict;
    }
}
