package io.khora.cluster.raft;

import io.khora.SpaceException;
import io.khora.cluster.CallId;
import io.khora.internal.wire.WireInput;
import io.khora.internal.wire.WireOutput;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state machine's memory of client calls ({@link Command.Call}), so that a retried mutation is
 * applied at most once. Part of the replicated state: changed only while a log entry is applied,
 * with the entry's time, and written into snapshots — identical on every replica.
 *
 * <p>Per client (its UUID) it keeps the encoded response of each recent call, by sequence number:
 * the calls within {@code window} of the client's highest sequence number. A call that is
 * remembered answers its recorded response and is not applied again. A call that is not remembered
 * and lies within the window is applied (and remembered); one below the window fails with
 * {@link ForgottenCallException} — it may have been applied and forgotten. A take that took nothing
 * is not remembered: it had no effect, so applying it again later is the same as applying it late
 * (a waiting take proposes its take again, with the same call id, each time a match appears).
 *
 * <p>A client that made no call for {@code idleMillis} of log time is forgotten altogether (its
 * sessions are kept in order of last use, so the check costs nothing while nobody is idle). Both
 * limits must be the same on every replica of a group.
 *
 * <p>Not thread-safe: used by the applying thread only (and by the snapshot writer, which jgroups-raft
 * runs on that thread).
 */
public final class ClientCalls {
    private final int window;
    private final long idleMillis;
    /** Sessions in order of last use (a used session is moved to the end): the idle ones are at the head. */
    private final LinkedHashMap<Client, Session> sessions = new LinkedHashMap<>();
    private long remembered;

    private record Client(long high, long low) {
    }

    private static final class Session {
        long lastSeen;
        long highest = Long.MIN_VALUE;
        final TreeMap<Long, byte[]> results = new TreeMap<>();
    }

    /**
     * A call whose sequence number lies below its client's window and whose response is no longer
     * remembered: whether it was applied cannot be told any more. Nothing was applied now.
     */
    public static final class ForgottenCallException extends SpaceException {
        ForgottenCallException(CallId call, long highest, int window) {
            super("call " + call + " is older than the " + window + " most recent calls of its client (the newest is #" + highest
                    + ") and its outcome is no longer remembered; it was not applied now, and may or may not have been before");
        }
    }

    /**
     * @param window how many sequence numbers below its highest a client's calls are remembered
     * @param idleMillis log time after a client's last call when it is forgotten
     */
    public ClientCalls(int window, long idleMillis) {
        if (window < 1 || idleMillis < 1) {
            throw new IllegalArgumentException("window and idle time must be positive: " + window + ", " + idleMillis);
        }
        this.window = window;
        this.idleMillis = idleMillis;
    }

    /**
     * The recorded response of {@code call}, or null if it is not remembered and may be applied.
     *
     * @throws ForgottenCallException if it lies below its client's window and is not remembered
     */
    byte[] lookup(CallId call) {
        Session s = sessions.get(new Client(call.clientHigh(), call.clientLow()));
        if (s == null) {
            return null;
        }
        byte[] r = s.results.get(call.sequence());
        if (r == null && call.sequence() < s.highest && s.highest - call.sequence() >= window) {
            throw new ForgottenCallException(call, s.highest, window);
        }
        return r;
    }

    /** Notes that {@code call} was applied at {@code time} with {@code response}; remembers it if {@code remember}. */
    void record(CallId call, byte[] response, long time, boolean remember) {
        Client c = new Client(call.clientHigh(), call.clientLow());
        Session s = sessions.remove(c);
        if (s == null) {
            s = new Session();
        }
        sessions.put(c, s);
        s.lastSeen = time;
        if (call.sequence() > s.highest) {
            s.highest = call.sequence();
        }
        if (remember && s.results.put(call.sequence(), response) == null) {
            remembered++;
        }
        while (!s.results.isEmpty() && s.highest - s.results.firstKey() >= window) {
            s.results.pollFirstEntry();
            remembered--;
        }
    }

    /** Forgets the clients whose last call was more than the idle time before {@code now} (log time). */
    void evictIdle(long now) {
        Iterator<Session> it = sessions.values().iterator();
        while (it.hasNext()) {
            Session s = it.next();
            if (now - s.lastSeen <= idleMillis) {
                return;
            }
            remembered -= s.results.size();
            it.remove();
        }
    }

    /** How many clients are remembered. */
    public int clients() {
        return sessions.size();
    }

    /** How many responses are remembered, over all clients. */
    public long responses() {
        return remembered;
    }

    void clear() {
        sessions.clear();
        remembered = 0;
    }

    /** Writes the sessions, in order of last use, into a snapshot. */
    void writeTo(WireOutput out) {
        out.writeVarInt(sessions.size());
        for (Map.Entry<Client, Session> e : sessions.entrySet()) {
            Session s = e.getValue();
            out.writeLong(e.getKey().high());
            out.writeLong(e.getKey().low());
            out.writeSignedVarLong(s.lastSeen);
            out.writeSignedVarLong(s.highest);
            out.writeVarInt(s.results.size());
            for (Map.Entry<Long, byte[]> r : s.results.entrySet()) {
                out.writeSignedVarLong(r.getKey());
                out.writeBytes(r.getValue());
            }
        }
    }

    /** Replaces the sessions with those of a snapshot written by {@link #writeTo}. */
    void readFrom(WireInput in) {
        clear();
        int n = in.readVarInt();
        for (int i = 0; i < n; i++) {
            Client c = new Client(in.readLong(), in.readLong());
            Session s = new Session();
            s.lastSeen = in.readSignedVarLong();
            s.highest = in.readSignedVarLong();
            int results = in.readVarInt();
            for (int j = 0; j < results; j++) {
                s.results.put(in.readSignedVarLong(), in.readBytes());
            }
            remembered += results;
            sessions.put(c, s);
        }
    }
}
