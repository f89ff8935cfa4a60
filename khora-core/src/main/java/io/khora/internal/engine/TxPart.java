package io.khora.internal.engine;


import io.khora.ChangeSet;
import io.khora.SpaceEventType;
import io.khora.TransactionException;
import io.khora.persistence.DataSyncOperationType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One transaction's state in one partition: the entries it locked, each with the committed state it
 * found ({@code original}) and its own view of it ({@code current}), plus what to persist. Partition
 * state, like the entries: mutated only under the partition's write lock (so, in a cluster, by the
 * log), read lock-free by the transaction's own reads through concurrent maps. Nothing in a part is
 * visible to anyone else until {@link PartitionEngine#commit} applies it.
 *
 * <p>Life: ACTIVE (operations add to it) → PREPARED (validated and frozen, locks held, changes
 * numbered and possibly persisted) → COMMITTED, or ACTIVE/PREPARED → ABORTED. Either end releases
 * the locks and completes {@link #released()}, which operations waiting for one of its entries
 * wait on.
 */
public final class TxPart {
    /** Where the part is in its life. */
    public enum State { ACTIVE, PREPARED, COMMITTED, ABORTED }

    /** (root type, id): what a lock and a slot are keyed by. */
    record Key(String root, Object id) {
    }

    /**
     * The transaction's view of one entry. Immutable; replaced on every change.
     *
     * @param original the committed entry when the part first touched it (null if there was none)
     * @param current the entry as the transaction sees it now (null: absent or taken)
     * @param removed for a take: the entry as it was taken (its last state), else null
     * @param changes how many changes the transaction made to it (0: locked by an exclusive read)
     * @param kind the kind of its last change (for a single change, what is persisted)
     * @param operations the change operations of its last change
     * @param order the transaction-wide order of its last change (persistence order)
     */
    record Slot(SpaceEntry original, SpaceEntry current, SpaceEntry removed, int changes, DataSyncOperationType kind,
                List<ChangeSet.Operation> operations, long order) {
    }

    private final String txId;
    private final TxContext owner;
    private final int partitionId;
    private final ConcurrentHashMap<Key, Slot> slots = new ConcurrentHashMap<>();
    private final Set<String> roots = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> released = new CompletableFuture<>();
    private volatile State state = State.ACTIVE;
    private volatile Supplier<? extends RuntimeException> endCause;
    private List<Change> prepared;
    private long[] preparedOrder;

    TxPart(String txId, TxContext owner, int partitionId) {
        this.txId = txId;
        this.owner = owner;
        this.partitionId = partitionId;
    }

    /** The transaction's id. */
    public String txId() {
        return txId;
    }

    /** The transaction that owns it (the coordinator's object; also used to detect deadlocks). */
    public TxContext owner() {
        return owner;
    }

    /** The 0-based partition. */
    public int partitionId() {
        return partitionId;
    }

    /** The state. */
    public State state() {
        return state;
    }

    /** Completed (never exceptionally) once the part is committed or aborted and its locks are released. */
    public CompletableFuture<Void> released() {
        return released;
    }

    /** Whether the transaction changed anything here (a part with only read locks has nothing to persist). */
    public boolean hasChanges() {
        for (Slot s : slots.values()) {
            if (s.changes() > 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether the part holds no lock at all. */
    public boolean isEmpty() {
        return slots.isEmpty();
    }

    /** Number of entries locked. */
    public int lockCount() {
        return slots.size();
    }

    /**
     * What operations on the part throw once it has ended (e.g. a timeout's exception). Set by the
     * coordinator before it aborts the part.
     */
    public void endCause(Supplier<? extends RuntimeException> cause) {
        this.endCause = cause;
    }

    /** The changes {@link PartitionEngine#prepare} numbered (after prepare), in persistence order. */
    public List<Change> preparedChanges() {
        return prepared == null ? List.of() : prepared;
    }

    /** The transaction-wide order of each prepared change (parallel to {@link #preparedChanges()}). */
    public long[] preparedOrder() {
        return preparedOrder == null ? new long[0] : preparedOrder;
    }

    // ---------------------------------------------------------------- engine side (partition lock held for mutations)

    Slot slot(String root, Object id) {
        return slots.isEmpty() ? null : slots.get(new Key(root, id));
    }

    boolean touches(String root) {
        return !roots.isEmpty() && roots.contains(root);
    }

    void put(String root, Object id, Slot s) {
        roots.add(root);
        Slot before = slots.put(new Key(root, id), s);
        if (owner != null && s.changes() > 0) {
            if (s.current() == null) {
                if (s.removed() != null) {
                    owner.changed(SpaceEventType.TAKE, s.removed());
                }
            } else {
                boolean existed = before != null ? before.current() != null : s.original() != null;
                owner.changed(existed ? SpaceEventType.UPDATE : SpaceEventType.WRITE, s.current());
            }
        }
    }

    Collection<java.util.Map.Entry<Key, Slot>> entries() {
        return slots.entrySet();
    }

    /** The slots of root type {@code root} (a snapshot). */
    List<Slot> slotsOf(String root) {
        List<Slot> out = new ArrayList<>();
        if (!touches(root)) {
            return out;
        }
        for (java.util.Map.Entry<Key, Slot> e : slots.entrySet()) {
            if (e.getKey().root().equals(root)) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    void state(State s) {
        this.state = s;
    }

    void prepared(List<Change> changes, long[] order) {
        this.prepared = changes;
        this.preparedOrder = order;
    }

    /** Throws unless ACTIVE. */
    void ensureActive() {
        State s = state;
        if (s != State.ACTIVE) {
            throw ended(s);
        }
    }

    RuntimeException ended(State s) {
        Supplier<? extends RuntimeException> c = endCause;
        if (c != null) {
            return c.get();
        }
        return new TransactionException("transaction " + txId + " is " + (s == State.PREPARED ? "committing" : s.name().toLowerCase())
                + "; no more operations can run under it");
    }

    void release() {
        released.complete(null);
    }

    @Override
    public String toString() {
        return "TxPart[" + txId + " p" + partitionId + " " + state + ", " + slots.size() + " locked]";
    }
}
