package io.khora.cluster.node;

import org.jgroups.Address;
import org.jgroups.EmptyMessage;
import org.jgroups.Event;
import org.jgroups.Header;
import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.raft.util.Utils;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Confirms that this member still leads its Raft group before a read is answered: the read index
 * of the Raft dissertation (§6.4), as a JGroups protocol on top of the stack.
 *
 * <p>{@link #confirm()} completes once a majority of the group — this member included — has
 * answered a probe that was sent <em>after</em> the call, each answer carrying the member's
 * current term, none higher than the term this member led when it was called. Terms only grow
 * and a member adopts a term when it votes in it, so a majority answering with a term no higher
 * than ours after the call means no member of a later term had been elected before the probe
 * went out: whatever this leader read before calling is not stale. An answer with a higher term
 * means this member was deposed: every pending confirmation fails at once. No answer within the
 * {@linkplain #timeoutMillis(long) time-out} fails the round.
 *
 * <p>Rounds are batched: at most one probe round is in flight; every call made while it is in
 * flight waits for the next round, sent as soon as the current one ends. So a burst of reads costs
 * one round trip to the nearest majority, whatever its size.
 *
 * <p>jgroups-raft 1.1.4 has read-only requests ({@code RAFT.getAsync}), but its
 * {@code ReadOnlyRequestRepository} counts every append response that arrives while a read waits,
 * including responses to requests sent before the read and several from one member, and it runs
 * the read on the Raft thread. A paused leader that resumes may find such responses in its socket
 * buffers; this protocol counts only answers to its own probe, one per member.
 *
 * <p>Members answer probes whoever sends them; only the prober decides what an answer proves.
 */
public class LeadershipProbe extends Protocol {
    /** This protocol's id (above jgroups-raft's, in JGroups' custom range). */
    static final short PROTOCOL_ID = 1600;
    /** The magic number of {@link ProbeHeader}. */
    static final short HEADER_MAGIC = 1601;

    static {
        ClassConfigurator.addProtocol(PROTOCOL_ID, LeadershipProbe.class);
        ClassConfigurator.add(HEADER_MAGIC, ProbeHeader.class);
    }

    private final Object lock = new Object();
    private RAFT raft;
    private volatile View view;
    private volatile long timeoutMillis = 3_000;
    /** The calls waiting for the next round (sent once the round in flight ends). */
    private List<Waiter> next = new ArrayList<>();
    /** The round in flight, or null. */
    private Round inFlight;
    private long rounds;
    private final java.util.concurrent.atomic.AtomicLong confirmedRounds = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong failedRounds = new java.util.concurrent.atomic.AtomicLong();

    /** Sets how long a round may wait for a majority's answers before its callers fail. */
    public LeadershipProbe timeoutMillis(long millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("the leadership probe time-out must be positive, got " + millis + " ms");
        }
        this.timeoutMillis = millis;
        return this;
    }

    @Override
    public void init() throws Exception {
        super.init();
        raft = RAFT.findProtocol(RAFT.class, this, true);
        if (raft == null) {
            throw new IllegalStateException("LeadershipProbe needs RAFT below it in the stack");
        }
    }

    /**
     * Completes once this member's leadership in the term it leads now is confirmed by a majority
     * (see the class comment); fails with {@link NotConfirmedException} if it is not the leader, if
     * a member answers with a higher term, or if no majority answers within the time-out.
     */
    public CompletableFuture<Void> confirm() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (!raft.isLeader()) {
            f.completeExceptionally(new NotConfirmedException("not the leader", false));
            return f;
        }
        long term = raft.currentTerm();
        boolean send;
        synchronized (lock) {
            next.add(new Waiter(f, term));
            send = inFlight == null;
        }
        if (send) {
            startRound();
        }
        return f;
    }

    /** How many probe rounds a majority confirmed, and how many failed (status, tests). */
    public long[] roundCounts() {
        return new long[] {confirmedRounds.get(), failedRounds.get()};
    }

    private void startRound() {
        Round r;
        synchronized (lock) {
            if (inFlight != null || next.isEmpty()) {
                return;
            }
            long term = raft.currentTerm();
            List<Waiter> waiting = next;
            next = new ArrayList<>();
            List<Waiter> stale = new ArrayList<>();
            for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (w.term != term) {
                    stale.add(w);
                    it.remove();
                }
            }
            if (!stale.isEmpty()) {
                fail(stale, new NotConfirmedException("the term changed from " + stale.get(0).term + " to " + term, true));
            }
            if (waiting.isEmpty()) {
                return;
            }
            r = new Round(++rounds, term, waiting);
            inFlight = r;
        }
        if (!raft.isLeader() || raft.currentTerm() != r.term) {
            end(r, new NotConfirmedException("not the leader of term " + r.term, false));
            return;
        }
        if (r.confirmedBy(raft.majority())) { // a group of one
            end(r, null);
            return;
        }
        View v = view;
        if (v != null) {
            for (Address member : v.getMembersRaw()) {
                if (!member.equals(local_addr)) {
                    Message probe = new EmptyMessage(member).putHeader(id, new ProbeHeader(ProbeHeader.PROBE, r.term, r.number))
                            .setFlag(Message.Flag.OOB).setFlag(Message.Flag.DONT_BUNDLE);
                    down_prot.down(probe);
                }
            }
        }
        r.timeout = getTransport().getTimer().schedule(() -> end(r, new NotConfirmedException("no majority of the group answered within "
                + timeoutMillis + " ms", false)), timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Ends round {@code r} if it is still in flight: its callers succeed ({@code failure} null) or fail; the next round starts. */
    private void end(Round r, NotConfirmedException failure) {
        synchronized (lock) {
            if (inFlight != r) {
                return;
            }
            inFlight = null;
        }
        Future<?> t = r.timeout;
        if (t != null) {
            t.cancel(false);
        }
        if (failure == null) {
            confirmedRounds.incrementAndGet();
            for (Waiter w : r.waiters) {
                w.future.complete(null);
            }
        } else {
            failedRounds.incrementAndGet();
            fail(r.waiters, failure);
            if (failure.deposed()) {
                List<Waiter> waiting;
                synchronized (lock) {
                    waiting = next;
                    next = new ArrayList<>();
                }
                fail(waiting, failure);
            }
        }
        startRound();
    }

    private static void fail(List<Waiter> waiters, NotConfirmedException e) {
        for (Waiter w : waiters) {
            w.future.completeExceptionally(e);
        }
    }

    private void answer(Address prober, ProbeHeader probe) {
        Message ack = new EmptyMessage(prober).putHeader(id, new ProbeHeader(ProbeHeader.ACK, raft.currentTerm(), probe.round))
                .setFlag(Message.Flag.OOB).setFlag(Message.Flag.DONT_BUNDLE);
        down_prot.down(ack);
    }

    private void acknowledged(Address from, ProbeHeader ack) {
        Round r;
        synchronized (lock) {
            r = inFlight;
        }
        if (r == null || ack.round != r.number) {
            return; // a late answer to an ended round
        }
        if (ack.term > r.term) {
            end(r, new NotConfirmedException("member " + Utils.extractRaftId(from) + " is in term " + ack.term + ", later than "
                    + r.term, true));
            return;
        }
        String raftId = Utils.extractRaftId(from);
        if (raftId == null || !raft.members().contains(raftId)) {
            return;
        }
        boolean confirmed;
        synchronized (r) {
            r.ackers.add(raftId);
            confirmed = r.confirmedBy(raft.majority());
        }
        if (confirmed) {
            end(r, null);
        }
    }

    @Override
    public Object up(Event evt) {
        if (evt.getType() == Event.VIEW_CHANGE) {
            view = evt.getArg();
        }
        return up_prot.up(evt);
    }

    @Override
    public Object down(Event evt) {
        if (evt.getType() == Event.VIEW_CHANGE) {
            view = evt.getArg();
        }
        return down_prot.down(evt);
    }

    @Override
    public Object up(Message msg) {
        ProbeHeader h = msg.getHeader(id);
        if (h == null) {
            return up_prot.up(msg);
        }
        handle(msg.getSrc(), h);
        return null;
    }

    @Override
    public void up(MessageBatch batch) {
        for (Iterator<Message> it = batch.iterator(); it.hasNext(); ) {
            Message msg = it.next();
            ProbeHeader h = msg.getHeader(id);
            if (h != null) {
                it.remove();
                handle(msg.getSrc(), h);
            }
        }
        if (!batch.isEmpty()) {
            up_prot.up(batch);
        }
    }

    private void handle(Address src, ProbeHeader h) {
        if (h.type == ProbeHeader.PROBE) {
            answer(src, h);
        } else if (h.type == ProbeHeader.ACK) {
            acknowledged(src, h);
        }
    }

    @Override
    public void stop() {
        List<Waiter> waiting;
        Round r;
        synchronized (lock) {
            waiting = next;
            next = new ArrayList<>();
            r = inFlight;
            inFlight = null;
        }
        NotConfirmedException closed = new NotConfirmedException("the replica is closing", false);
        fail(waiting, closed);
        if (r != null) {
            fail(r.waiters, closed);
        }
        super.stop();
    }

    /** Why a leadership confirmation failed; {@link #deposed()} if a member is in a later term. */
    public static final class NotConfirmedException extends RuntimeException {
        private final boolean deposed;

        NotConfirmedException(String message, boolean deposed) {
            super("leadership not confirmed: " + message, null, false, false);
            this.deposed = deposed;
        }

        /** Whether a member answered with a later term (this member no longer leads). */
        public boolean deposed() {
            return deposed;
        }
    }

    private record Waiter(CompletableFuture<Void> future, long term) {
    }

    private static final class Round {
        final long number;
        final long term;
        final List<Waiter> waiters;
        final Set<String> ackers = new HashSet<>();
        volatile Future<?> timeout;

        Round(long number, long term, List<Waiter> waiters) {
            this.number = number;
            this.term = term;
            this.waiters = waiters;
        }

        /** Whether this member plus the members that answered make a majority. */
        boolean confirmedBy(int majority) {
            return 1 + ackers.size() >= majority;
        }
    }

    /** A probe (leader → member) or its answer (member → leader): the sender's current term and the round. */
    public static final class ProbeHeader extends Header {
        static final byte PROBE = 1;
        static final byte ACK = 2;

        byte type;
        long term;
        long round;

        /** For JGroups' header factory. */
        public ProbeHeader() {
        }

        ProbeHeader(byte type, long term, long round) {
            this.type = type;
            this.term = term;
            this.round = round;
        }

        @Override
        public short getMagicId() {
            return HEADER_MAGIC;
        }

        @Override
        public Supplier<? extends Header> create() {
            return ProbeHeader::new;
        }

        @Override
        public int serializedSize() {
            return 1 + 8 + 8;
        }

        @Override
        public void writeTo(DataOutput out) throws IOException {
            out.writeByte(type);
            out.writeLong(term);
            out.writeLong(round);
        }

        @Override
        public void readFrom(DataInput in) throws IOException {
            type = in.readByte();
            term = in.readLong();
            round = in.readLong();
        }

        @Override
        public String toString() {
            return (type == PROBE ? "PROBE" : "ACK") + "(term " + term + ", round " + round + ")";
        }
    }
}
