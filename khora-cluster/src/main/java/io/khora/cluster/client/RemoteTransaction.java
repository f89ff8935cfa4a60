package io.khora.cluster.client;

import io.khora.Space;
import io.khora.TransactionConflictException;
import io.khora.TransactionException;
import io.khora.TransactionOptions;
import io.khora.TransactionTimedOutException;
import io.khora.cluster.Futures;
import io.khora.OutcomeUnknownException;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.StoredEntry;
import io.khora.cluster.raft.WriteOutcome;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.router.TransactionRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A transaction over a cluster space, coordinated by this client (optimistic, two-phase).
 *
 * <p>While active, nothing is sent but reads: writes are kept here; a take reads the entry and
 * keeps a take of it <em>at the version read</em>; a write of an entry the transaction read keeps
 * that version as its expectation. Reads see the transaction's own writes and takes by id; queries
 * see the committed state minus the transaction's takes.
 *
 * <p>{@link #commit()}: with one partition involved, its part is validated and applied in one log
 * entry. With several, every part is prepared (validated against the versions read, its entries
 * locked; see {@code ClusterTransactions} on the nodes), then the <em>home</em> partition (the lowest)
 * commits — its log entry is the decision — then the others. A conflict at prepare (an entry changed
 * or locked by another transaction) aborts every part and fails the commit with
 * {@link TransactionConflictException}: retry the transaction. If this client dies after preparing,
 * each participant's leader resolves its part with the home partition once the transaction's
 * timeout has passed: all parts commit or none does, and no lock outlives the timeout.
 *
 * <p>If the entry that decides (a one-part commit, or the home's commit) gets no definitive answer,
 * the coordinator asks the home partition for the decision with an abort (which aborts unless the
 * home committed): the commit then returns (committed) or fails with {@link TransactionException}
 * (rolled back, nothing applied). If the home cannot be asked either, {@link #commit()} throws
 * {@link io.khora.OutcomeUnknownException} and the transaction stays COMMITTING; calling
 * {@code commit()} again asks again.
 *
 * <p>Not supported inside a cluster transaction (they fail with {@link UnsupportedOperationException}):
 * change, clear, lease renewal, entry processors; an exclusive read is a plain read (the version
 * check at commit protects what the transaction writes).
 */
final class RemoteTransaction extends TransactionRecord {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteTransaction.class);

    private final RemoteAsyncSpace base;
    /** The timeout of a transaction whose options name none. */
    static final java.time.Duration DEFAULT_TIMEOUT = java.time.Duration.ofSeconds(60);

    private final long deadlineNanos;
    private final java.time.Duration timeout;
    private final Space view;
    private final Map<Integer, List<Command>> ops = new TreeMap<>();
    private final Map<Integer, List<Long>> expected = new HashMap<>();
    private final Map<Integer, Set<TypeDescriptor>> typesUsed = new HashMap<>();
    private final Map<List<Object>, Long> readVersions = new HashMap<>();
    private final Map<List<Object>, StoredEntry> written = new LinkedHashMap<>();
    private final Set<List<Object>> taken = new HashSet<>();
    /** The parts of a commit whose outcome is unknown (status COMMITTING), until the home partition is asked. */
    private Map<Integer, Command.TxPrepare> unknownParts;

    RemoteTransaction(RemoteSpace space, RemoteAsyncSpace base, TransactionOptions options) {
        super(options);
        this.base = base;
        this.timeout = options().timeout() != null ? options().timeout() : DEFAULT_TIMEOUT;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.view = space.transactional(this);
    }

    @Override
    public Space space() {
        return view;
    }

    private static List<Object> key(TypeDescriptor t, Object id) {
        return List.of(t.root().name(), id);
    }

    private void checkActive() {
        if (status() == Status.ACTIVE && System.nanoTime() - deadlineNanos > 0) {
            timedOut(true);
            status(Status.ROLLED_BACK);
        }
        if (isTimedOut()) {
            throw new TransactionTimedOutException("transaction " + id() + " timed out after " + timeout.toMillis()
                    + " ms and was rolled back");
        }
        if (status() != Status.ACTIVE) {
            throw new TransactionException("transaction " + id() + " is " + status());
        }
    }

    private void keep(int partition, TypeDescriptor t, Command op, long expectedVersion) {
        ops.computeIfAbsent(partition, p -> new ArrayList<>()).add(op);
        expected.computeIfAbsent(partition, p -> new ArrayList<>()).add(expectedVersion);
        typesUsed.computeIfAbsent(partition, p -> new HashSet<>()).add(t);
    }

    // ================================================================ operations (from the view's RemoteAsyncSpace)

    /** A mutation under this transaction: kept until commit. */
    synchronized CompletableFuture<Object> mutate(int partition, TypeDescriptor t, Command c) {
        checkActive();
        if (c instanceof Command.Write w) {
            Object entryId = w.values()[t.idIndex()];
            List<Object> k = key(t, entryId);
            long exp = readVersions.getOrDefault(k, -1L);
            keep(partition, t, w, exp);
            long expiresAt = w.lease().isForever() ? Long.MAX_VALUE : System.currentTimeMillis() + w.lease().toMillis();
            written.put(k, new StoredEntry(t.name(), w.values().clone(), exp > 0 ? exp + 1 : 1, expiresAt));
            taken.remove(k);
            return CompletableFuture.completedFuture(new WriteOutcome(exp > 0 ? exp + 1 : 1, exp <= 0, expiresAt));
        }
        if (c instanceof Command.TakeById tk) {
            List<Object> k = key(t, tk.id());
            if (taken.contains(k)) {
                return CompletableFuture.completedFuture(null);
            }
            StoredEntry own = written.remove(k);
            if (own != null) {
                dropWrite(partition, k, t);
                long before = readVersions.getOrDefault(k, -1L);
                if (before > 0) {
                    keep(partition, t, new Command.TakeById(t.name(), tk.id()), before);
                }
                taken.add(k);
                return CompletableFuture.completedFuture(own);
            }
            return base.readByIdIn(partition, t, tk.id()).thenApply(e -> {
                synchronized (this) {
                    if (e == null) {
                        readVersions.putIfAbsent(k, 0L);
                        return null;
                    }
                    readVersions.putIfAbsent(k, e.version());
                    keep(partition, t, new Command.TakeById(e.typeName(), tk.id()), e.version());
                    taken.add(k);
                    return e;
                }
            });
        }
        if (c instanceof Command.TakeQuery tq) {
            return base.queryCommitted(partition, t, tq.query(), Integer.MAX_VALUE, 0).thenApply(found -> takeFound(partition, t, found, tq.max()));
        }
        throw new UnsupportedOperationException(c.getClass().getSimpleName() + " is not supported inside a cluster transaction"
                + " (supported: write, read and take by id or query)");
    }

    /** Takes (under this transaction) up to {@code max} of {@code found}, skipping what it took or wrote already. */
    synchronized List<StoredEntry> takeFound(int partition, TypeDescriptor t, List<StoredEntry> found, int max) {
        checkActive();
        List<StoredEntry> out = new ArrayList<>();
        for (StoredEntry e : found) {
            if (out.size() == max) {
                break;
            }
            List<Object> k = key(t, e.values()[t.idIndex()]);
            if (taken.contains(k) || written.containsKey(k)) {
                continue;
            }
            readVersions.putIfAbsent(k, e.version());
            keep(partition, t, new Command.TakeById(e.typeName(), e.values()[t.idIndex()]), e.version());
            taken.add(k);
            out.add(e);
        }
        return out;
    }

    private void dropWrite(int partition, List<Object> k, TypeDescriptor t) {
        List<Command> list = ops.get(partition);
        if (list == null) {
            return;
        }
        for (int i = list.size() - 1; i >= 0; i--) {
            if (list.get(i) instanceof Command.Write w && key(t, w.values()[t.idIndex()]).equals(k)) {
                list.remove(i);
                expected.get(partition).remove(i);
                return;
            }
        }
    }

    /** A read by id under this transaction: its own writes and takes first, then the committed state (version noted). */
    synchronized CompletableFuture<StoredEntry> readById(int partition, TypeDescriptor t, Object entryId) {
        checkActive();
        List<Object> k = key(t, entryId);
        if (taken.contains(k)) {
            return CompletableFuture.completedFuture(null);
        }
        StoredEntry own = written.get(k);
        if (own != null) {
            return CompletableFuture.completedFuture(own);
        }
        return base.readByIdIn(partition, t, entryId).thenApply(e -> {
            synchronized (this) {
                readVersions.putIfAbsent(k, e == null ? 0L : e.version());
                return e;
            }
        });
    }

    /** Query results under this transaction: without what it took; versions noted. */
    synchronized List<StoredEntry> filterRead(TypeDescriptor t, List<StoredEntry> found) {
        checkActive();
        List<StoredEntry> out = new ArrayList<>(found.size());
        for (StoredEntry e : found) {
            List<Object> k = key(t, e.values()[t.idIndex()]);
            if (taken.contains(k)) {
                continue;
            }
            StoredEntry own = written.get(k);
            readVersions.putIfAbsent(k, e.version());
            out.add(own != null ? own : e);
        }
        return out;
    }

    // ================================================================ commit

    @Override
    public void commit() {
        Map<Integer, Command.TxPrepare> parts;
        boolean undecided;
        synchronized (this) {
            if (status() == Status.COMMITTED) {
                return;
            }
            undecided = status() == Status.COMMITTING && unknownParts != null;
            if (undecided) {
                parts = unknownParts;
            } else {
                checkActive();
                status(Status.COMMITTING);
                parts = parts();
            }
        }
        if (parts.isEmpty()) {
            status(Status.COMMITTED);
            return;
        }
        int home = parts.keySet().iterator().next();
        try {
            int committed;
            if (undecided) {
                committed = resolve(parts, home, null);
            } else if (parts.size() == 1) {
                committed = unlessUnknown(parts, home, () -> {
                    RemoteSpace.join(base.transact(home, typesUsed.get(home), parts.get(home)));
                    return 1;
                });
            } else {
                prepareAll(parts);
                committed = unlessUnknown(parts, home, () -> (Integer) RemoteSpace.join(base.transact(home, Set.of(), new Command.TxCommit(id()))));
            }
            decided(parts, home, committed);
        } catch (OutcomeUnknownException unknown) {
            throw unknown; // still COMMITTING: commit() again learns the outcome
        } catch (RuntimeException e) {
            if (status() != Status.COMMITTED) {
                status(Status.ROLLED_BACK);
                if (e instanceof TransactionException) {
                    throw e;
                }
                throw new TransactionException("transaction " + id() + " was rolled back: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * Runs the step whose log entry decides the transaction (a one-part commit, or the home's commit);
     * if its outcome is unknown, learns the decision from the home partition instead ({@link #resolve}).
     */
    private int unlessUnknown(Map<Integer, Command.TxPrepare> parts, int home, java.util.function.IntSupplier step) {
        try {
            return step.getAsInt();
        } catch (OutcomeUnknownException u) {
            u.abandon(); // resolved below with a call of its own
            return resolve(parts, home, u);
        }
    }

    /**
     * Asks the home partition for the decision, aborting the transaction there unless it committed
     * (the home's log orders this against the commit): 1 committed, 0 aborted — for good either way.
     * If the home cannot be asked either, the transaction stays COMMITTING and this throws
     * {@link OutcomeUnknownException}; {@link #commit()} asks again.
     */
    private int resolve(Map<Integer, Command.TxPrepare> parts, int home, OutcomeUnknownException why) {
        try {
            int committed = (Integer) RemoteSpace.join(base.transact(home, Set.of(), new Command.TxAbort(id())));
            synchronized (this) {
                unknownParts = null;
            }
            return committed;
        } catch (RuntimeException again) {
            if (again instanceof OutcomeUnknownException u) {
                u.abandon(); // the next commit() asks with a new call
            }
            synchronized (this) {
                unknownParts = parts;
            }
            throw new OutcomeUnknownException("transaction " + id() + ": whether it committed is unknown"
                    + (why == null ? "" : " (" + why.getMessage() + ")") + ", and its home partition " + home + " could not be asked ("
                    + again.getMessage() + "); call commit() again to learn it: the transaction then commits, or is rolled back for good",
                    again);
        }
    }

    /** Ends the commit as the home decided: commits the other parts, or aborts them and fails (nothing was applied). */
    private void decided(Map<Integer, Command.TxPrepare> parts, int home, int committed) {
        if (committed != 1) {
            if (parts.size() > 1) {
                abortAll(parts.keySet());
            }
            status(Status.ROLLED_BACK);
            throw new TransactionException("transaction " + id() + " was rolled back: its home partition " + home + " aborted it (its"
                    + " prepared parts outlived its timeout of " + timeout.toMillis() + " ms, or its commit's outcome was unknown and"
                    + " the home had not committed it); nothing of it was applied");
        }
        status(Status.COMMITTED); // the home's log holds the decision: the others follow, now or by recovery
        List<CompletableFuture<Object>> rest = new ArrayList<>();
        for (int p : parts.keySet()) {
            if (p != home) {
                rest.add(base.transact(p, Set.of(), new Command.TxCommit(id())));
            }
        }
        for (CompletableFuture<Object> f : rest) {
            try {
                f.join();
            } catch (RuntimeException e) {
                abandonIfUnknown(e);
                LOG.warn("transaction {}: committed, but a participant did not confirm its part ({}); its leader completes it when"
                        + " the transaction's timeout has passed", id(), Futures.cause(e).toString());
            }
        }
    }

    private static void abandonIfUnknown(Throwable e) {
        if (Futures.cause(e) instanceof OutcomeUnknownException u) {
            u.abandon();
        }
    }

    /**
     * Prepares every part (in parallel); on any failure aborts them all and rethrows it (a prepare
     * whose outcome is unknown as a {@link TransactionException}: the aborts decided it).
     */
    private void prepareAll(Map<Integer, Command.TxPrepare> parts) {
        Map<Integer, CompletableFuture<Object>> prepared = new LinkedHashMap<>();
        for (Map.Entry<Integer, Command.TxPrepare> e : parts.entrySet()) {
            prepared.put(e.getKey(), base.transact(e.getKey(), typesUsed.get(e.getKey()), e.getValue()));
        }
        RuntimeException failure = null;
        for (Map.Entry<Integer, CompletableFuture<Object>> f : prepared.entrySet()) {
            try {
                RemoteSpace.join(f.getValue());
            } catch (RuntimeException e) {
                if (e instanceof OutcomeUnknownException u) {
                    u.abandon();
                    e = new TransactionException("transaction " + id() + ": the prepare of partition " + f.getKey() + " got no definitive"
                            + " answer (" + u.getMessage() + "); every part was aborted", u);
                }
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            abortAll(parts.keySet());
            throw failure;
        }
    }

    private void abortAll(Set<Integer> partitions) {
        List<CompletableFuture<Object>> aborts = new ArrayList<>();
        for (int p : partitions) {
            aborts.add(base.transact(p, Set.of(), new Command.TxAbort(id())));
        }
        for (CompletableFuture<Object> f : aborts) {
            try {
                f.join();
            } catch (RuntimeException e) {
                abandonIfUnknown(e);
                LOG.debug("transaction {}: an abort was not confirmed ({}); the part is aborted when its timeout passes", id(),
                        Futures.cause(e).toString());
            }
        }
    }

    private Map<Integer, Command.TxPrepare> parts() {
        Map<Integer, Command.TxPrepare> out = new TreeMap<>();
        int[] participants = ops.entrySet().stream().filter(e -> !e.getValue().isEmpty()).mapToInt(Map.Entry::getKey).sorted().toArray();
        if (participants.length == 0) {
            return out;
        }
        long timeoutMillis = Math.max(1, timeout.toMillis());
        for (int p : participants) {
            List<Long> exp = expected.get(p);
            long[] e = new long[exp.size()];
            for (int i = 0; i < e.length; i++) {
                e[i] = exp.get(i);
            }
            out.put(p, new Command.TxPrepare(id(), participants, participants[0], timeoutMillis, ops.get(p), e));
        }
        return out;
    }

    /**
     * For tests: prepares every part and stops there, as a coordinator that dies between prepare and
     * commit would. Returns the parts.
     */
    Map<Integer, Command.TxPrepare> prepareOnlyAndVanish() {
        Map<Integer, Command.TxPrepare> parts;
        synchronized (this) {
            checkActive();
            status(Status.COMMITTING);
            parts = parts();
        }
        prepareAll(parts);
        return parts;
    }

    /** For tests: prepares every part and commits the home partition's only, as a coordinator dying right after the decision. */
    void commitHomeOnlyAndVanish() {
        Map<Integer, Command.TxPrepare> parts = prepareOnlyAndVanish();
        RemoteSpace.join(base.transact(parts.keySet().iterator().next(), Set.of(), new Command.TxCommit(id())));
    }

    @Override
    public synchronized void rollback() {
        if (status() == Status.COMMITTED || status() == Status.COMMITTING) {
            throw new TransactionException("transaction " + id() + " is " + status() + "; it cannot be rolled back");
        }
        status(Status.ROLLED_BACK); // nothing was sent: no part is prepared before commit
        ops.clear();
        written.clear();
        taken.clear();
    }

    @Override
    public void close() {
        if (status() == Status.ACTIVE) {
            rollback();
        }
    }
}
