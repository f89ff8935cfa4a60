package io.khora.cluster.replica;

import io.khora.ChangeSet;
import io.khora.Lease;
import io.khora.SpaceClosedException;
import io.khora.SpaceEventType;
import io.khora.SpaceException;
import io.khora.SpaceState;
import io.khora.Subscription;
import io.khora.WriteMode;
import io.khora.cluster.CallId;
import io.khora.NoLeaderException;
import io.khora.NotLeaderException;
import io.khora.OutcomeUnknownException;
import io.khora.cluster.node.RaftStack;
import io.khora.cluster.node.ReplicaConfig;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.LeaderClock;
import io.khora.cluster.raft.PartitionStateMachine;
import io.khora.cluster.raft.ReplicatedOutbox;
import io.khora.cluster.raft.StoredEntry;
import io.khora.cluster.raft.TypeDeclaration;
import io.khora.cluster.raft.WriteOutcome;
import io.khora.internal.metadata.TypeDescriptor;

import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.Role;
import org.jgroups.raft.RaftHandle;
import org.jgroups.raft.util.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One replica of one partition: a Raft group member (its own JGroups channel running jgroups-raft)
 * whose state machine is the partition engine ({@link PartitionStateMachine}).
 *
 * <p><b>Mutations</b> are proposed at the leader only and return futures: the command is stamped
 * with the leader's time ({@link LeaderClock}), appended to the log, replicated, and once a
 * majority stored it, applied on every replica in log order; the future completes with the
 * leader's result (or the command's failure, e.g. {@link io.khora.EntryAlreadyExistsException}).
 * Failures of the replication itself: {@link NotLeaderException} / {@link NoLeaderException}
 * before anything was proposed (safe to retry anywhere); {@link OutcomeUnknownException} when a
 * proposal timed out or the leader was deposed with it in flight. Futures complete on the Raft
 * thread: dependent stages must not block (use the {@code …Async} variants for blocking work).
 *
 * <p><b>Retries.</b> Every mutation has an overload taking a {@link CallId} (client UUID and
 * per-client sequence number): the state machine applies a call at most once and answers a repeated
 * one — at this leader or a later one — with the response it recorded the first time, so a client
 * that got {@link OutcomeUnknownException} (or lost its connection) can retry safely. See
 * {@link CallId} and {@link PartitionOptions} for how long calls are remembered.
 *
 * <p><b>Group commit.</b> Proposals go out at once while few of this leader's log entries are
 * uncommitted ({@link PartitionOptions#maxBatchesInFlight()}); beyond that they queue and the next
 * entry carries all that queued (a {@link Command.Batch}), each command with its own result. A lone
 * synchronous caller never waits for a batch.
 *
 * <p><b>Waiting reads and takes</b> ({@link #read(TypeDescriptor, Command.QuerySpec, int, Duration)},
 * {@link #take(TypeDescriptor, Command.QuerySpec, int, Duration, CallId)}) park at the leader: a
 * write the leader applies wakes the matching ones, and a take is always proposed through the log.
 * <b>Events</b> ({@link #subscribe}) fire at the leader for what it applies. Both end with the
 * leadership ({@link NotLeaderException}): clients re-issue them at the new leader.
 *
 * <p><b>Reads</b> ({@link #readById}, {@link #read(TypeDescriptor, Command.QuerySpec, int)},
 * {@link #count}) are answered by the leader from its own engine, on the caller's thread, with no
 * round trip: they see every write the leader acknowledged. A leader serves nothing until it has
 * applied a no-op of its own term, so it has applied everything committed before it. But a deposed
 * leader that has not noticed yet (it was cut off or paused, and the others elected a new one) would
 * read its old state: for a linearizable read, read first, then answer only once
 * {@link #confirmLeadership()} completes — a majority of the group confirmed, after the read, that
 * this replica still leads its term ({@link io.khora.cluster.node.LeadershipProbe}). The node does
 * that for every client read unless the client asked for leader-local reads.
 *
 * <p><b>Types.</b> A type is declared to the group once (a DECLARE_TYPE entry with its
 * {@link TypeDeclaration}) before the first command that names it; replicas build their own
 * descriptors from it, so they need no user classes for the layout.
 *
 * <p><b>State.</b> {@link #state()} is READY while this replica knows a leader that serves, else
 * RECOVER.
 *
 * <p><b>Inside</b>, this class is a facade over the replica's rooms (package-private): a
 * {@code LeaderState} holds everything of one leadership and is dropped whole when it ends;
 * {@code LeaderDuties} makes a new leader serve and does its upkeep; {@code LeaderProposals} routes
 * mutations into the log through {@code Proposer}'s group commit; {@code LeaderReads},
 * {@code WaitingCalls} and {@code LeadershipConfirmation} serve reads; {@code ReplicaFailures} names
 * what failed and whether it may have been applied.
 */
public final class ReplicatedPartition implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedPartition.class);

    private final ReplicaConfig config;
    private final PartitionStateMachine stateMachine;
    private final JChannel channel;
    private final RAFT raft;
    private final ScheduledExecutorService timer;
    private final ExecutorService eventExecutor;
    private final PartitionOptions options;
    private final Proposer proposer;
    private final LeaderEvents events;
    private final io.khora.cluster.node.LeadershipProbe probe;
    private final io.khora.cluster.node.MergeElection election;
    private final ReplicaFailures failures;
    private final LeaderProposals proposals;
    private final TypeDeclarations types;
    private final OverdueTransactions overdue;
    private final LeaderReads reads;
    private final WaitingCalls waiting;
    private final LeadershipConfirmation confirmation;
    private final LeaderDuties duties;
    /** Log time, for proposals stamped while no leadership's clock is anchored. */
    private final LeaderClock idleClock;
    /** The leader's side of the write-behind outbox, or null without write-behind. */
    private final LeaderOutbox outbox;
    /** This replica's leadership while jgroups-raft has it lead (see {@link #roleChanged}), else null. */
    private volatile LeaderState leader;
    private volatile boolean closed;

    private ReplicatedPartition(ReplicaConfig config, PartitionOptions options, JChannel channel) {
        this.config = config;
        this.options = options;
        this.channel = channel;
        String name = ReplicaThreads.name(config.spaceName(), config.partitionId(), config.raftId());
        this.timer = ReplicaThreads.timer(name);
        this.eventExecutor = ReplicaThreads.events(name);
        this.events = new LeaderEvents(config.spaceName(), eventExecutor, options.eventQueueCapacity());
        this.stateMachine = new PartitionStateMachine(config.spaceName(), config.partitionId(), events, options.callWindow(),
                options.clientIdleTimeout().toMillis(), options.outboxCapacity(), options.javaDeserialization());
        this.outbox = stateMachine.outbox() == null ? null : new LeaderOutbox(config.spaceName(), config.partitionId(),
                stateMachine.outbox(), timer, options.backlogWait(), stateMachine.ticker()::millis);
        this.idleClock = newClock();
        this.probe = channel.getProtocolStack().findProtocol(io.khora.cluster.node.LeadershipProbe.class);
        this.election = channel.getProtocolStack().findProtocol(io.khora.cluster.node.MergeElection.class);
        RaftHandle handle = new RaftHandle(channel, stateMachine);
        this.raft = handle.raft();
        RAFT protocol = raft;
        stateMachine.attach(new PartitionStateMachine.LogPosition() {
            @Override
            public long commitIndex() {
                return protocol.commitIndex();
            }

            @Override
            public long termAt(long index) {
                org.jgroups.protocols.raft.LogEntry e = protocol.log().get(index);
                return e != null && e.term() > 0 ? e.term() : Math.max(1, protocol.currentTerm());
            }
        });
        this.failures = new ReplicaFailures(config.spaceName(), config.partitionId(), config.raftId(),
                config.operationTimeout().toMillis(), protocol::leader, channel::getAddress, () -> {
                    org.jgroups.View v = channel.getView();
                    return v == null ? null : v.getMembers();
                }, () -> closed);
        this.types = new TypeDeclarations(config.spaceName(), stateMachine);
        this.overdue = new OverdueTransactions(config.spaceName(), config.partitionId(), stateMachine, this::propose);
        this.reads = new LeaderReads(stateMachine, () -> {
            if (!isLeader()) {
                throw notServing();
            }
        });
        this.waiting = new WaitingCalls(this::serving, failures, types, reads, this::take);
        this.confirmation = new LeadershipConfirmation(config.spaceName(), config.partitionId(), config.raftId(), () -> probe.confirm(),
                this::serving, failures, () -> closed);
        this.duties = new LeaderDuties(config, raft, stateMachine, outbox, overdue, () -> leader, this::serving, () -> closed,
                this::propose);
        this.proposer = new Proposer(entry -> protocol.setAsync(entry, 0, entry.length, null), this::now,
                config.operationTimeout().toMillis(), options.maxBatchCommands(), options.maxBatchBytes(),
                options.maxBatchesInFlight(), this::notServing, failures::inFlightFailure, failures::overloaded,
                options.javaDeserialization());
        this.proposals = new LeaderProposals(config.spaceName(), this::serving, failures, types, proposer, outbox,
                new LockedRetry(timer, System::nanoTime, () -> closed), config.operationTimeout().toNanos());
        handle.addRoleListener(this::roleChanged);
    }

    /** A leader clock of this replica, not anchored: it tells log time until anchored. */
    private LeaderClock newClock() {
        return new LeaderClock(stateMachine.ticker(), config.monotonicClock(), config.wallClock());
    }

    /** The time to stamp a proposal with: the leader's time while it serves, else log time. */
    private long now() {
        LeaderState s = leader;
        return (s == null ? idleClock : s.clock()).now();
    }

    /**
     * Starts this replica with the {@link PartitionOptions#DEFAULTS default options}: replays its log
     * (snapshot plus entries) from the data directory, joins the group's channel and returns; the
     * group elects a leader once a majority has joined ({@link #awaitLeader}).
     */
    public static ReplicatedPartition start(ReplicaConfig config) throws Exception {
        return start(config, PartitionOptions.DEFAULTS);
    }

    /**
     * Starts this replica: replays its log (snapshot plus entries) from the data directory, joins
     * the group's channel and returns; the group elects a leader once a majority has joined
     * ({@link #awaitLeader}). {@code options}' call window and client idle timeout must be the same
     * on every replica of the group.
     */
    public static ReplicatedPartition start(ReplicaConfig config, PartitionOptions options) throws Exception {
        JChannel ch = RaftStack.create(config);
        ReplicatedPartition p = new ReplicatedPartition(config, Objects.requireNonNull(options, "options"), ch);
        try {
            ch.connect(config.clusterName());
        } catch (Exception e) {
            p.close();
            throw e;
        }
        long every = config.sweepInterval().toMillis();
        p.timer.scheduleWithFixedDelay(p.duties, every, every, TimeUnit.MILLISECONDS);
        LOG.info("space '{}' partition {}: replica {} started on {} (log {}, {} commands applied)", config.spaceName(),
                config.partitionId(), config.raftId(), config.address(), config.logDirectory(), p.stateMachine.appliedCommands());
        return p;
    }

    // ================================================================ leadership

    /**
     * jgroups-raft's role listener (it holds jgroups-raft's state lock: see {@link LeaderState}).
     * Whatever leadership this replica had ends, whole; becoming the leader begins a new one, which
     * serves once its no-op is applied ({@link LeaderDuties}).
     */
    private void roleChanged(Role role) {
        LeaderState old = leader;
        if (role == Role.Leader) {
            WaitingCalls.Host host = waiting.newHost();
            leader = host.bind(new LeaderState(raft.currentTerm(), newClock(), new LeaderWaits(host, timer), events));
            endLeadership(old, null, false);
            try {
                timer.execute(duties);
            } catch (RuntimeException rejected) {
                // closing
            }
        } else {
            leader = null;
            endLeadership(old, null, false);
            stateMachine.ticker().readClock(null);
            if (old != null && old.servingTerm() >= 0) {
                LOG.info("space '{}' partition {}: replica {} is no longer the leader ({})", config.spaceName(),
                        config.partitionId(), config.raftId(), role);
            }
        }
    }

    /**
     * Ends leadership {@code s} (null: none) with {@code reason}, by default a
     * {@link NotLeaderException} naming the leader if one is known: every subscription is terminated
     * and every wait fails with it — later, on the timer; on close ({@code now}) at once.
     */
    private void endLeadership(LeaderState s, SpaceException reason, boolean now) {
        if (s != null) {
            s.close(reason != null ? reason : failures.notLeader(), now ? null : timer);
        }
    }

    /** The leadership of this replica if it is the leader and serves (its term's no-op is applied), else null. */
    private LeaderState serving() {
        LeaderState s = leader;
        return s != null && s.serves(raft.isLeader(), raft.currentTerm()) ? s : null;
    }

    /** Whether this replica is the leader and serves (its term's no-op is applied). */
    public boolean isLeader() {
        return serving() != null;
    }

    /**
     * Completes once a majority of the group has confirmed, after this call, that this replica still
     * leads the term it serves: whatever was read from this replica before the call is then not
     * stale (a linearizable read). Fails with {@link NoLeaderException} — naming no leader — if this
     * replica does not serve, was deposed, or no majority answered within the failure detection
     * timeout; with {@link SpaceClosedException} once closed. Completes on a JGroups thread.
     */
    public CompletableFuture<Void> confirmLeadership() {
        return confirmation.confirm();
    }

    /**
     * At the serving leader: asks the group for a vote that elects {@code raftId} if its log is
     * up-to-date enough ({@link io.khora.cluster.node.MergeElection#transferTo}); returns at once.
     * This replica steps down when the vote's term begins; mutations in flight then fail with an
     * unknown outcome (their clients retry them under the same call id). Returns false, doing
     * nothing, unless this replica serves as leader and {@code raftId} is another member of the group.
     */
    public boolean transferLeadership(String raftId) {
        if (!isLeader() || raftId == null || raftId.equals(config.raftId()) || !config.members().containsKey(raftId)) {
            return false;
        }
        LOG.info("space '{}' partition {}: replica {} hands the leadership to {}", config.spaceName(), config.partitionId(),
                config.raftId(), raftId);
        election.transferTo(raftId);
        return true;
    }

    /** The Raft id of the leader this replica knows of, if any. */
    public Optional<String> leader() {
        Address a = raft.leader();
        return a == null ? Optional.empty() : Optional.ofNullable(Utils.extractRaftId(a));
    }

    /** READY while a leader is known (and, if it is this replica, serves); RECOVER otherwise. */
    public SpaceState state() {
        if (closed) {
            return SpaceState.INVALID;
        }
        Address a = raft.leader();
        if (a == null) {
            return SpaceState.RECOVER;
        }
        if (a.equals(channel.getAddress())) {
            return isLeader() ? SpaceState.READY : SpaceState.RECOVER;
        }
        return SpaceState.READY;
    }

    /** Waits until this replica knows a serving leader (itself or another); false on timeout. */
    public boolean awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (state() != SpaceState.READY) {
            if (closed || System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private RuntimeException notServing() {
        return failures.notServing();
    }

    /** The Raft ids (node ids) of the members of this replica's current group view; empty while not connected. */
    public List<String> groupView() {
        org.jgroups.View v = channel.getView();
        return v == null ? List.of() : v.getMembers().stream().map(String::valueOf).toList();
    }

    // ================================================================ mutations

    /**
     * Writes an entry. {@code values} is in {@code type}'s layout (its codec's output) and is owned by
     * the partition from now on; a null id of a type with generated ids is filled in here.
     */
    public CompletableFuture<WriteOutcome> write(TypeDescriptor type, Object[] values, Lease lease, WriteMode mode) {
        return write(type, values, lease, mode, null);
    }

    /**
     * As {@link #write(TypeDescriptor, Object[], Lease, WriteMode)}, applied at most once for
     * {@code call} (null: no deduplication): a call that was applied already — by this leader or an
     * earlier one — completes with the outcome it had the first time. A retried write should carry
     * its id (generated ids are made here, so a retry with a null id would propose another id; the
     * deduplication still applies only the first).
     */
    public CompletableFuture<WriteOutcome> write(TypeDescriptor type, Object[] values, Lease lease, WriteMode mode, CallId call) {
        if (values.length != type.valuesLength()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("type " + type.name() + " has "
                    + type.valuesLength() + " values, got " + values.length));
        }
        if (values[type.idIndex()] == null) {
            if (!type.autoGenerateId()) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("an entry of " + type.name() + " needs an id"));
            }
            values[type.idIndex()] = UUID.randomUUID().toString();
        }
        return propose(type, new Command.Write(type.name(), values, lease, mode), call);
    }

    /** Takes the live entry of {@code type} (or a subtype) with {@code id}; completes with null if there is none. */
    public CompletableFuture<StoredEntry> takeById(TypeDescriptor type, Object id) {
        return takeById(type, id, null);
    }

    /**
     * As {@link #takeById(TypeDescriptor, Object)}, applied at most once for {@code call} (null: no
     * deduplication): a repeated call completes with the entry the first one took. A take that took
     * nothing is not remembered (it changed nothing): repeating it takes anew.
     */
    public CompletableFuture<StoredEntry> takeById(TypeDescriptor type, Object id, CallId call) {
        return propose(type, new Command.TakeById(type.name(), id), call);
    }

    /**
     * Takes up to {@code max} live matches: the first in ORDER BY order, ties and unordered queries
     * by id, the same entries on every replica.
     */
    public CompletableFuture<List<StoredEntry>> take(TypeDescriptor type, Command.QuerySpec query, int max) {
        return take(type, query, max, (CallId) null);
    }

    /**
     * As {@link #take(TypeDescriptor, Command.QuerySpec, int)}, applied at most once for {@code call}
     * (null: no deduplication): a repeated call completes with the entries the first one took. A take
     * that took nothing is not remembered (it changed nothing): repeating it takes anew.
     */
    public CompletableFuture<List<StoredEntry>> take(TypeDescriptor type, Command.QuerySpec query, int max, CallId call) {
        return take(type, query, max, Command.TakeQuery.UNBOUNDED, call);
    }

    /**
     * As {@link #take(TypeDescriptor, Command.QuerySpec, int, CallId)}, taking only while the encoded
     * entries stay within {@code maxBytes} (at least one; see {@link Command.TakeQuery}): the result,
     * a {@link io.khora.cluster.raft.TakenEntries}, says whether matches were left behind.
     */
    public CompletableFuture<List<StoredEntry>> take(TypeDescriptor type, Command.QuerySpec query, int max, long maxBytes, CallId call) {
        return propose(type, new Command.TakeQuery(type.name(), query, max, maxBytes), call);
    }

    /** Applies {@code changes} to every live match; completes with how many changed. */
    public CompletableFuture<Integer> change(TypeDescriptor type, Command.QuerySpec query, ChangeSet changes) {
        return change(type, query, changes, null);
    }

    /** As {@link #change(TypeDescriptor, Command.QuerySpec, ChangeSet)}, applied at most once for {@code call} (null: no deduplication). */
    public CompletableFuture<Integer> change(TypeDescriptor type, Command.QuerySpec query, ChangeSet changes, CallId call) {
        return propose(type, new Command.Change(type.name(), query, changes), call);
    }

    /** Removes every live match; completes with how many. */
    public CompletableFuture<Integer> clear(TypeDescriptor type, Command.QuerySpec query) {
        return clear(type, query, null);
    }

    /** As {@link #clear(TypeDescriptor, Command.QuerySpec)}, applied at most once for {@code call} (null: no deduplication). */
    public CompletableFuture<Integer> clear(TypeDescriptor type, Command.QuerySpec query, CallId call) {
        return propose(type, new Command.Clear(type.name(), query), call);
    }

    /** Gives the live entry with {@code id} a new lease from now; completes with its new expiry in log time. */
    public CompletableFuture<Long> renew(TypeDescriptor type, Object id, Lease lease) {
        return renew(type, id, lease, null);
    }

    /**
     * As {@link #renew(TypeDescriptor, Object, Lease)}, applied at most once for {@code call} (null:
     * no deduplication): a repeated call completes with the expiry the first one set.
     */
    public CompletableFuture<Long> renew(TypeDescriptor type, Object id, Lease lease, CallId call) {
        return propose(type, new Command.Renew(type.name(), id, lease), call);
    }

    /**
     * Gives back what {@code call} took when its answer could not be delivered (see
     * {@link Command.ReturnTaken}); completes with how many entries were written back (0 when a
     * retry of the call already received them).
     */
    public CompletableFuture<Integer> returnTaken(CallId call, List<StoredEntry> entries) {
        return proposals.returnTaken(call, entries);
    }

    private <T> CompletableFuture<T> propose(TypeDescriptor type, Command c, CallId call) {
        return proposals.propose(type, c, call);
    }

    // ================================================================ transactions (leader only)

    /**
     * Proposes a transaction command ({@link Command.TxPrepare}, {@link Command.TxCommit},
     * {@link Command.TxAbort}) as the client's call; {@code types} are the types a prepare's operations
     * use (declared first if needed). TxPrepare answers null, TxCommit and TxAbort 1 (committed) or 0
     * (aborted).
     */
    public CompletableFuture<Object> transact(List<TypeDescriptor> types, Command c, CallId call) {
        return proposals.transact(types, c, call);
    }

    /** How a leader learns the outcome of a transaction from its home partition: 1 committed, 0 aborted. */
    @FunctionalInterface
    public interface TransactionResolver {
        /** Asks partition {@code home} (of this space) for the outcome of {@code txId}, aborting it there unless it committed. */
        CompletableFuture<Integer> resolve(int home, String txId);
    }

    /** Sets how overdue prepared parts are resolved with their home partition (the node sets it; see {@link OverdueTransactions}). */
    public void resolveTransactionsWith(TransactionResolver r) {
        overdue.resolveWith(r);
    }

    /**
     * Tells this replica which declaration a descriptor stands for, when the descriptor was built
     * from a declaration (a server node's descriptors are: it has no user classes, so
     * {@link TypeDeclaration#of} would not give the client's declaration back).
     */
    public void useDeclaration(TypeDescriptor type, TypeDeclaration declaration) {
        types.use(type, declaration);
    }

    /**
     * Proposes {@code c} through group commit ({@link Proposer}): stamped with the leader's time, alone
     * or batched with concurrent proposals; the future completes with its decoded result.
     */
    private <T> CompletableFuture<T> propose(Command c) {
        return proposals.propose(c);
    }

    // ================================================================ reads (leader only)

    /** The live entry of {@code type} (or a subtype) with {@code id}, or null. */
    public StoredEntry readById(TypeDescriptor type, Object id) {
        return reads.readById(type, id);
    }

    /** Up to {@code max} live matches (in ORDER BY order if any). */
    public List<StoredEntry> read(TypeDescriptor type, Command.QuerySpec query, int max) {
        return reads.read(type, query, max);
    }

    /** The number of live matches. */
    public int count(TypeDescriptor type, Command.QuerySpec query) {
        return reads.count(type, query);
    }

    // ================================================================ waiting reads and takes (leader only)

    /**
     * Up to {@code max} live matches, waiting up to {@code wait} for one: completes as soon as there is
     * at least one match (with the matches at that moment, or the entry that woke it), or with an
     * empty list when the wait is over. A zero or negative wait reads once.
     *
     * <p>The wait parks at this leader (waiting is not replicated; its time-out runs on this replica's
     * scheduler). Cancelling the future withdraws it. When this replica stops being the leader the
     * future fails with {@link NotLeaderException} (re-issue it at the new leader with the time that
     * remains); when it closes, with {@link io.khora.SpaceClosedException}.
     */
    public CompletableFuture<List<StoredEntry>> read(TypeDescriptor type, Command.QuerySpec query, int max, Duration wait) {
        return await(type, query, max, Command.TakeQuery.UNBOUNDED, wait, false, null);
    }

    /**
     * Takes up to {@code max} live matches, waiting up to {@code wait} for one: tries at once (a take
     * through the log); if that took nothing, parks at this leader, and whenever a write applied here
     * matches, proposes the take again — which may take nothing if a concurrent taker's take came
     * first; it then waits on. Completes with what it took, or with an empty list when the wait is
     * over. Each entry goes to exactly one taker, cluster-wide: takes happen only through the log.
     *
     * <ul>
     * <li><b>Cancel</b> ({@code future.cancel}, or completing the future from outside) withdraws the
     * wait. If it returns true, nothing was or will be taken for this wait. It returns false while a
     * take is in flight; the future then completes when the take does: with the entries it took (the
     * caller owns them) or an empty list.
     * <li><b>Time-out</b>: at the deadline a parked wait completes with an empty list; one with a take
     * in flight completes with that take's result.
     * <li><b>Leader loss</b>: the wait fails with {@link NotLeaderException} (a take in flight: once
     * it returns empty; if its outcome is unknown, with {@link OutcomeUnknownException}). Re-issue it
     * at the new leader with the time that remains and the same {@code call}: if a take of this wait
     * was applied, the re-issued one completes with its entries (the state machine remembers the
     * call). Without a call id such entries are lost to the caller. Closing fails the wait with
     * {@link io.khora.SpaceClosedException}.
     * </ul>
     */
    public CompletableFuture<List<StoredEntry>> take(TypeDescriptor type, Command.QuerySpec query, int max, Duration wait,
                                                     CallId call) {
        return take(type, query, max, Command.TakeQuery.UNBOUNDED, wait, call);
    }

    /** As {@link #take(TypeDescriptor, Command.QuerySpec, int, Duration, CallId)}, each take within {@code maxBytes} (see {@link Command.TakeQuery}). */
    public CompletableFuture<List<StoredEntry>> take(TypeDescriptor type, Command.QuerySpec query, int max, long maxBytes, Duration wait,
                                                     CallId call) {
        return await(type, query, max, maxBytes, wait, true, call);
    }

    private CompletableFuture<List<StoredEntry>> await(TypeDescriptor type, Command.QuerySpec query, int max, long maxBytes, Duration wait,
                                                       boolean take, CallId call) {
        return waiting.await(type, query, max, maxBytes, wait, take, call);
    }

    /** The group commit queue (tests and status). */
    Proposer proposer() {
        return proposer;
    }

    /** How many reads and takes wait at this replica (status, tests). */
    public int parkedWaits() {
        LeaderState s = leader;
        return s == null ? 0 : s.waits().size();
    }

    /** How many of them are idle: parked with no look or take of theirs under way (tests). */
    int idleWaits() {
        LeaderState s = leader;
        return s == null ? 0 : s.waits().idle();
    }

    // ================================================================ events (leader only)

    /**
     * As {@link #subscribe(TypeDescriptor, Command.QuerySpec, Set, Consumer, Consumer)} with an
     * {@code onTerminated} that only logs.
     */
    public Subscription subscribe(TypeDescriptor type, Command.QuerySpec query, Set<SpaceEventType> types,
                                  Consumer<ReplicatedEvent> listener) {
        return subscribe(type, query, types, listener, reason -> LOG.debug("space '{}' partition {}: subscription terminated: {}",
                config.spaceName(), config.partitionId(), reason.toString()));
    }

    /**
     * Subscribes, at this leader, to the {@code types} of events of live entries of {@code type} (and
     * subtypes) matching {@code query}: after the leader applies a mutation (WRITE, UPDATE, TAKE — a
     * take, clear or lease cancel — and EXPIRE) the listener gets a {@link ReplicatedEvent}, off the
     * Raft thread, one at a time, in apply order. Followers fire nothing.
     *
     * <p>The subscription's queue is bounded ({@link PartitionOptions#eventQueueCapacity()}): a
     * listener that falls that far behind is terminated ({@code onTerminated} gets a
     * {@link SpaceException} saying so), as in an embedded space. When this replica stops being the
     * leader the subscription is terminated with a {@link NotLeaderException} (closing: with
     * {@link io.khora.SpaceClosedException}); events still queued are dropped. A client re-subscribes
     * at the new leader, which delivers what it applies from then on: delivery is at most once, and
     * events between the last one delivered here and the new subscription are not delivered — re-read
     * what matters after re-subscribing.
     *
     * @throws NotLeaderException, NoLeaderException if this replica is not the serving leader
     */
    public Subscription subscribe(TypeDescriptor type, Command.QuerySpec query, Set<SpaceEventType> types,
                                  Consumer<ReplicatedEvent> listener, Consumer<? super SpaceException> onTerminated) {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(onTerminated, "onTerminated");
        if (types.isEmpty()) {
            throw new IllegalArgumentException("subscribe to at least one event type");
        }
        LeaderState s = serving();
        if (s == null) {
            throw notServing();
        }
        Subscription sub = s.subscribe(query.compile(this.types.replicaView(type)), types, listener, onTerminated);
        if (sub == null) {
            throw notServing();
        }
        return sub;
    }

    // ================================================================ status

    /** This replica's options. */
    public PartitionOptions options() {
        return options;
    }

    /** This replica's configuration. */
    public ReplicaConfig config() {
        return config;
    }

    /** The state machine (for status displays and checks; mutate only through the log). */
    public PartitionStateMachine stateMachine() {
        return stateMachine;
    }

    /** The Raft log's commit index at this replica. */
    public long commitIndex() {
        return raft.commitIndex();
    }

    /** The current Raft term at this replica. */
    public long term() {
        return raft.currentTerm();
    }

    /** The index of the last entry appended to this replica's log. */
    public long lastAppended() {
        return raft.lastAppended();
    }

    /**
     * On the leader, the match index of every other member by Raft id (how far its log is known to
     * agree with the leader's); empty on a follower.
     */
    public Map<String, Long> followerMatchIndexes() {
        org.jgroups.raft.util.CommitTable table = raft.isLeader() ? raft.commitTable() : null;
        if (table == null) {
            return Map.of();
        }
        Map<String, Long> out = new java.util.TreeMap<>();
        table.forEach((address, entry) -> out.put(String.valueOf(address), entry.matchIndex()));
        return out;
    }

    /** The channel (tests use it to cut this replica off the network). */
    JChannel channel() {
        return channel;
    }

    // ================================================================ write-behind outbox (leader only)

    /**
     * Up to {@code max} records of the write-behind outbox after sequence {@code after}, waiting up to
     * {@code waitMillis} for one if there are none; with the outbox's log id and where it stands.
     * Only the serving leader answers (its outbox holds exactly the committed changes), and only to the
     * mirror of the current lease epoch ({@link io.khora.persistence.MirrorFencedException} otherwise).
     */
    public CompletableFuture<ReplicatedOutbox.Slice> outboxPull(long after, int max, long waitMillis, long epoch) {
        return proposals.outboxPull(after, max, waitMillis, epoch);
    }

    /**
     * Proposes {@code c}, a write-behind mirror's command ({@link Command.OutboxAck}: the mirror
     * delivered the outbox's records up to a sequence, answering how many were dropped; or
     * {@link Command.MirrorLease}, answering a {@link io.khora.cluster.raft.MirrorLeaseState.Grant}),
     * as the client's call; the state machine checks the mirror's lease epoch.
     */
    public <T> CompletableFuture<T> mirrorCommand(Command c, CallId call) {
        return proposals.mirrorCommand(c, call);
    }

    /** The replicated write-behind outbox, or null without write-behind (status). */
    public ReplicatedOutbox outbox() {
        return outbox == null ? null : outbox.outbox();
    }

    /** The Raft protocol (tests and status). */
    RAFT raft() {
        return raft;
    }

    /** Leaves the group and stops; the log stays in the data directory for a restart. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LeaderState s = leader;
        leader = null;
        endLeadership(s, new SpaceClosedException(config.spaceName()), true);
        timer.shutdownNow();
        try {
            channel.close();
        } finally {
            stateMachine.engine().close();
            eventExecutor.shutdown(); // terminations already queued are still delivered
        }
        LOG.info("space '{}' partition {}: replica {} closed", config.spaceName(), config.partitionId(), config.raftId());
    }

    @Override
    public String toString() {
        return "ReplicatedPartition[" + config.spaceName() + "/p" + config.partitionId() + "/" + config.raftId() + ", "
                + (isLeader() ? "leader" : "follower") + ", term " + raft.currentTerm() + ", commit " + raft.commitIndex() + "]";
    }
}
