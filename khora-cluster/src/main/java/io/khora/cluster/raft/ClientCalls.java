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
 * <p>Per client (its UUID) it keeps the encoded response of each call the client may still retry,
 * by sequence number: those at or above the client's {@link CallId#answeredBelow()} floor (the
 * highest it reported), at most {@code window} of them (beyond that the oldest are dropped and the
 * floor raised past them). A call that is remembered answers its recorded response and is not
 * applied again. A call that is not remembered is applied (and remembered) unless it is a retry
 * below the floor: then it fails with {@link ForgottenCallException} — it may have been applied and
 * forgotten. A first attempt cannot have been applied before, so it is never refused. A take that took nothing
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
        /** The client's report: every call below this is answered for good. */
        long answered = Long.MIN_VALUE;
        /** A retry below this that is not remembered may have been applied and dropped (the window). */
        long floor = Long.MIN_VALUE;
        final TreeMap<Long, byte[]> results = new TreeMap<>();
        /** Remembered sequences in the order they were recorded (stale ones are skipped), for the window. */
        final java.util.ArrayDeque<Long> order = new java.util.ArrayDeque<>();
        /**
         * Calls whose remembered response a retry has been given — kept after the response is dropped
         * (the client reporting the call answered, the window), at most {@code window} of them, the
         * oldest dropped first: a give-back of the call's undelivered original answer (RETURN_TAKEN)
         * may reach the log after that, and must then not write back what the retry delivered.
         */
        final java.util.TreeSet<Long> redelivered = new java.util.TreeSet<>();
    }

    /**
     * A call whose sequence number lies below its client's window and whose response is no longer
     * remembered: whether it was applied cannot be told any more. Nothing was applied now.
     */
    public static final class ForgottenCallException extends SpaceException {
        ForgottenCallException(CallId call, long floor, int window) {
            super("call " + call + " lies below its client's remembered calls (from #" + floor + "; at most " + window + " are kept)"
                    + ") and its outcome is no longer remembered; it was not applied now, and may or may not have been before");
        }
    }

    /**
     * @param window at most how many responses are remembered per client
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
     * @throws ForgottenCallException if it is a retry below its client's floor and is not remembered
     */
    byte[] lookup(CallId call) {
        Session s = sessions.get(new Client(call.clientHigh(), call.clientLow()));
        if (s == null) {
            return null;
        }
        byte[] r = s.results.get(call.sequence());
        if (r == null && call.retry() && call.sequence() < s.floor) {
            throw new ForgottenCallException(call, s.floor, window);
        }
        if (r != null && s.redelivered.add(call.sequence()) && s.redelivered.size() > window) {
            s.redelivered.pollFirst();
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
        if (call.answeredBelow() > s.answered) {
            s.answered = call.answeredBelow();
            s.floor = Math.max(s.floor, s.answered);
        }
        if (remember && call.sequence() >= s.answered && s.results.put(call.sequence(), response) == null) {
            remembered++;
            s.order.addLast(call.sequence());
        }
        while (!s.results.isEmpty() && s.results.firstKey() < s.answered) {
            s.results.pollFirstEntry();
            remembered--;
        }
        while (s.results.size() > window) {
            Long oldest = s.order.pollFirst();
            if (oldest != null && s.results.remove(oldest) != null) {
                remembered--;
                s.floor = Math.max(s.floor, oldest + 1);
            }
        }
        if (s.order.size() > 2 * window + 16) {
            TreeMap<Long, byte[]> live = s.results;
            s.order.removeIf(k -> !live.containsKey(k));
        }
    }

    /**
     * Forgets {@code call} so that a retry of it is applied anew — unless a retry was already given
     * its remembered response (then false: what it took has reached the client).
     */
    boolean forgetUnlessRedelivered(CallId call) {
        Session s = sessions.get(new Client(call.clientHigh(), call.clientLow()));
        if (s == null) {
            return true;
        }
        if (s.redelivered.contains(call.sequence())) {
            return false;
        }
        if (s.results.remove(call.sequence()) != null) {
            remembered--;
        }
        return true;
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
            out.writeSignedVarLong(s.answered);
            out.writeSignedVarLong(s.floor);
            int live = 0;
            for (Long k : s.order) {
                if (s.results.containsKey(k)) {
                    live++;
                }
            }
            out.writeVarInt(live);
            for (Long k : s.order) { // in the order recorded, so the window drops the same ones after a restore
                byte[] r = s.results.get(k);
                if (r != null) {
                    out.writeSignedVarLong(k);
                    out.writeBytes(r);
                    out.writeBoolean(s.redelivered.contains(k));
                }
            }
        }
    }

    /**
     * Writes the marks of calls whose remembered response a retry was given but which are no longer
     * remembered (see {@code Session.redelivered}); snapshot format 5, after everything else.
     */
    void writeDetachedMarksTo(WireOutput out) {
        int n = 0;
        for (Session s : sessions.values()) {
            if (detached(s) > 0) {
                n++;
            }
        }
        out.writeVarInt(n);
        for (Map.Entry<Client, Session> e : sessions.entrySet()) {
            Session s = e.getValue();
            int d = detached(s);
            if (d == 0) {
                continue;
            }
            out.writeLong(e.getKey().high());
            out.writeLong(e.getKey().low());
            out.writeVarInt(d);
            for (Long k : s.redelivered) {
                if (!s.results.containsKey(k)) {
                    out.writeSignedVarLong(k);
                }
            }
        }
    }

    private static int detached(Session s) {
        int d = 0;
        for (Long k : s.redelivered) {
            if (!s.results.containsKey(k)) {
                d++;
            }
        }
        return d;
    }

    /** Reads what {@link #writeDetachedMarksTo} wrote (after {@link #readFrom}). */
    void readDetachedMarksFrom(WireInput in) {
        int n = in.readVarInt();
        for (int i = 0; i < n; i++) {
            Client c = new Client(in.readLong(), in.readLong());
            int d = in.readVarInt();
            Session s = sessions.computeIfAbsent(c, k -> new Session());
            for (int j = 0; j < d; j++) {
                s.redelivered.add(in.readSignedVarLong());
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
            s.answered = in.readSignedVarLong();
            s.floor = in.readSignedVarLong();
            int results = in.readVarInt();
            for (int j = 0; j < results; j++) {
                long k = in.readSignedVarLong();
                s.results.put(k, in.readBytes());
                s.order.addLast(k);
                if (in.readBoolean()) {
                    s.redelivered.add(k);
                }
            }
            remembered += results;
            sessions.put(c, s);
        }
    }
}
