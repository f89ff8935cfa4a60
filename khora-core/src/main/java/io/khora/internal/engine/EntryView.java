package io.khora.internal.engine;

import io.khora.ChangeSet;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;
import io.khora.persistence.DataSyncOperationType;

import java.util.List;

/**
 * The entries an operation reads and changes: the committed state ({@link CommittedView}: a change
 * is persisted, applied, published and serves waiters at once) or a transaction part's overlay
 * ({@link TxOverlay}: a change is recorded in the part and locks the entry until commit or abort).
 * {@link EntryOperations} writes each operation once over this view. Under the write lock.
 */
interface EntryView {
    /** The transaction part whose view this is, or null for the committed state. */
    TxPart part();

    /**
     * The live entry with {@code id} as this view sees it (of any type under the root), or null.
     *
     * @throws EntryLockedException if another transaction holds it
     */
    SpaceEntry lookup(TypeStore store, TypeDescriptor type, Object id, long now, AfterUnlock after);

    /** {@link #lookup}, but an entry another transaction holds is null and its holder added to {@code blocked}. */
    SpaceEntry lookupOrBlock(TypeStore store, Object id, long now, List<TxPart> blocked, AfterUnlock after);

    /** Puts {@code e} over {@code before} (null: a new entry), as this view sees it. */
    void put(TypeStore store, Object id, SpaceEntry before, SpaceEntry e, AfterUnlock after);

    /** Takes the entry {@code e} this view sees. */
    void take(TypeStore store, SpaceEntry e, AfterUnlock after);

    /** Takes the matches {@code found} of {@code q} this view sees (persisted as one batch, if committed). */
    void takeAll(CompiledQuery q, List<SpaceEntry> found, AfterUnlock after);

    /**
     * The matches of {@code q} a change would change.
     *
     * @throws EntryLockedException if another transaction holds one
     */
    List<SpaceEntry> changeable(CompiledQuery q, long now);

    /** Replaces each of {@code olds} by its counterpart in {@code news} ({@code kind} and {@code ops}: the change). */
    void changeAll(List<SpaceEntry> olds, List<SpaceEntry> news, DataSyncOperationType kind, List<ChangeSet.Operation> ops,
                   AfterUnlock after);
}
