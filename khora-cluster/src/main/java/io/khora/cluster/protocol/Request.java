package io.khora.cluster.protocol;

import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.TypeDeclaration;

import java.util.List;
import java.util.Objects;

/**
 * What a client asks a node. Every request carries an id, unique on its connection, that the
 * response echoes. Requests that address a partition name the space and the partition; the node
 * answers {@link Status#NOT_LEADER} when it does not lead that partition.
 */
public sealed interface Request {

    /** The id the response echoes. */
    long requestId();

    /**
     * Introduces the client (its id keys the partitions' duplicate detection). Answered with the node's id.
     *
     * @param leaderLocalReads whether this connection's reads may be answered without confirming the
     *                         leadership (see {@link io.khora.cluster.client.ReadConsistency})
     * @param maxFrame the largest frame the client accepts (0: not said, the default): the node splits
     *                 larger answers ({@link Status#PART}) and sizes takes to fit it
     */
    record Hello(long requestId, long clientHigh, long clientLow, boolean leaderLocalReads, int maxFrame) implements Request {
        /** A HELLO that does not say the client's frame limit. */
        public Hello(long requestId, long clientHigh, long clientLow, boolean leaderLocalReads) {
            this(requestId, clientHigh, clientLow, leaderLocalReads, 0);
        }
    }

    /**
     * One step of authenticating the connection (after HELLO, before anything else): a SASL
     * mechanism and its message. {@code SCRAM-SHA-256}: the client-first message, then the
     * client-final message (each answered with {@link Responses#authStep}: the server-first, then the
     * server-final message); {@code EXTERNAL}: no data, the TLS client certificate authenticates.
     * Failures answer ERROR with {@link io.khora.AuthenticationException}.
     */
    record Auth(long requestId, String mechanism, byte[] data) implements Request {
        /** Checks the components. */
        public Auth {
            Objects.requireNonNull(mechanism, "mechanism");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public String toString() {
            return "Auth[requestId=" + requestId + ", mechanism=" + mechanism + "]";
        }
    }

    /** Asks for a space's layout: partitions, replicas, nodes and known leaders ({@link SpaceLayout}). */
    record Layout(long requestId, String space) implements Request {
        /** Checks the components. */
        public Layout {
            Objects.requireNonNull(space, "space");
        }
    }

    /** Declares entry types to a node (supertypes before subtypes); needed once per connection before use. */
    record Declare(long requestId, String space, List<TypeDeclaration> declarations) implements Request {
        /** Checks the components. */
        public Declare {
            Objects.requireNonNull(space, "space");
            declarations = List.copyOf(declarations);
        }
    }

    /**
     * A mutation of one partition, as the command the log will hold.
     *
     * @param callSequence the client's sequence number for this call: a retry of the same call
     *                     carries the same number, so the partition applies it once
     * @param answeredBelow every call of this client to this partition numbered below this has had its final answer
     * @param retry whether this call was sent before (see {@link io.khora.cluster.CallId#retry()})
     * @param allReplicas acknowledge only when every replica has the entry (else a majority)
     */
    record Mutate(long requestId, String space, int partition, long callSequence, long answeredBelow, boolean retry, boolean allReplicas,
                  Command command)
            implements Request {
        /** Checks the components. */
        public Mutate {
            Objects.requireNonNull(space, "space");
            Objects.requireNonNull(command, "command");
        }
    }

    /** Reads the live entry of a type (or a subtype) with an id. */
    record ReadById(long requestId, String space, int partition, String typeName, Object id) implements Request {
        /** Checks the components. */
        public ReadById {
            Objects.requireNonNull(space, "space");
            Objects.requireNonNull(typeName, "typeName");
        }
    }

    /**
     * Reads or takes up to {@code max} matches of a query in one partition, waiting at the leader up
     * to {@code waitMillis} (0: no wait, -1: forever) for the first. A take takes no more than one
     * answer frame to the client holds (see {@link Command.TakeQuery}); a read answers every match,
     * in parts if it is larger than a frame.
     *
     * @param callSequence for a take, the client's call sequence (see {@link Mutate})
     * @param answeredBelow for a take, see {@link Mutate}
     * @param retry for a take, see {@link Mutate}
     */
    record Query(long requestId, String space, int partition, String typeName, Command.QuerySpec query, int max,
                 long waitMillis, boolean take, long callSequence, long answeredBelow, boolean retry) implements Request {
        /** Checks the components. */
        public Query {
            Objects.requireNonNull(space, "space");
            Objects.requireNonNull(typeName, "typeName");
            Objects.requireNonNull(query, "query");
        }
    }

    /** Counts the live matches of a query in one partition. */
    record Count(long requestId, String space, int partition, String typeName, Command.QuerySpec query) implements Request {
        /** Checks the components. */
        public Count {
            Objects.requireNonNull(space, "space");
            Objects.requireNonNull(typeName, "typeName");
            Objects.requireNonNull(query, "query");
        }
    }

    /**
     * Subscribes, at the partition's leader, to events of entries of a type matching a query. Answered
     * OK once subscribed, then by {@link io.khora.cluster.protocol.Status#EVENT} frames with this
     * request's id, until an {@link io.khora.cluster.protocol.Status#ENDED} frame or {@link Unsubscribe}.
     */
    record Subscribe(long requestId, String space, int partition, String typeName, Command.QuerySpec query,
                     java.util.Set<io.khora.SpaceEventType> events) implements Request {
        /** Checks the components. */
        public Subscribe {
            Objects.requireNonNull(space, "space");
            Objects.requireNonNull(typeName, "typeName");
            Objects.requireNonNull(query, "query");
            events = java.util.Set.copyOf(events);
        }
    }

    /** Ends the subscription made by the SUBSCRIBE with id {@code subscription} on this connection. */
    record Unsubscribe(long requestId, long subscription) implements Request {
    }

    /** Asks a node for its status ({@link NodeStatus}). */
    record Status(long requestId) implements Request {
    }

    /**
     * The mirror reads a partition's write-behind outbox at its leader: up to {@code max} records after
     * sequence {@code after}, waiting up to {@code waitMillis} for one if there are none; {@code epoch}
     * is the mirror's lease epoch (the partition refuses any other than the current lease's). Answered
     * with {@link Responses#outboxSlice}. Acknowledgements and the lease travel as a {@link Mutate} of
     * {@link Command.OutboxAck} and {@link Command.MirrorLease}.
     */
    record OutboxPull(long requestId, String space, int partition, long after, int max, long waitMillis, long epoch)
            implements Request {
        /** Checks the components. */
        public OutboxPull {
            Objects.requireNonNull(space, "space");
            if (max < 1) {
                throw new IllegalArgumentException("max must be positive, got " + max);
            }
            if (epoch < 0) {
                throw new IllegalArgumentException("a mirror lease epoch is positive, got " + epoch);
            }
        }
    }
}
