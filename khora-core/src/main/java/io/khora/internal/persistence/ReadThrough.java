package io.khora.internal.persistence;

import io.khora.CachePolicy;
import io.khora.SpaceException;
import io.khora.internal.engine.PartitionEngine;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;
import io.khora.internal.query.SqlForm;
import io.khora.internal.router.LocalRouter;
import io.khora.persistence.DataIterator;
import io.khora.persistence.DataSourceException;
import io.khora.persistence.DataSourceIdQuery;
import io.khora.persistence.DataSourceIdsQuery;
import io.khora.persistence.DataSourceQuery;
import io.khora.persistence.SpaceDataSource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads from the data source what memory does not hold, per the seed 000 contract: by id (and ids)
 * under both cache policies, by query under LRU, and for {@code takeMultiple} in read-write mode.
 * Every row read is put into its partition ({@link PartitionEngine#load}) unless that id is live
 * there already — memory always wins, so a read-through never overwrites a newer in-memory entry.
 */
public final class ReadThrough {
    private final String spaceName;
    private final SpaceDataSource dataSource;
    private final LocalRouter router;
    private final EntryMapping mapping;
    private final CachePolicy policy;
    private final boolean readWrite;
    private final PendingChanges pending;

    /**
     * @param spaceName for messages
     * @param dataSource the data source
     * @param router the partitions
     * @param mapping user objects to values
     * @param policy the cache policy
     * @param readWrite whether a synchronization endpoint is configured
     * @param pending changes accepted but not yet in the store (write-behind), which win over its rows
     */
    public ReadThrough(String spaceName, SpaceDataSource dataSource, LocalRouter router, EntryMapping mapping,
                       CachePolicy policy, boolean readWrite, PendingChanges pending) {
        this.pending = pending;
        this.spaceName = spaceName;
        this.dataSource = dataSource;
        this.router = router;
        this.mapping = mapping;
        this.policy = policy;
        this.readWrite = readWrite;
    }

    /** Whether queries ({@code read}, {@code readMultiple}, {@code count}) read through (LRU only). */
    public boolean forQueries() {
        return policy == CachePolicy.LRU;
    }

    /** Whether {@code takeMultiple} also takes matching rows that are only in the data store (read-write mode). */
    public boolean forTakeMultiple() {
        return readWrite;
    }

    /** The entry with {@code id} from the data source, now cached; null if the store has none. */
    public SpaceEntry readById(TypeDescriptor type, Object id, Object routing) {
        String root = type.root().name();
        if (pending.isRemoved(root, id)) {
            return null; // taken, and the store does not know yet
        }
        SpaceEntry undelivered = pending.pendingEntry(root, id);
        if (undelivered != null) {
            SpaceEntry e = loadEntry(undelivered);
            return e.type().isSubtypeOf(type) ? e : null;
        }
        DataSourceIdQuery q = new DataSourceIdQuery(type.name(), javaType(type), idName(type), id, routing);
        Object row;
        try {
            row = dataSource.getById(q);
        } catch (RuntimeException e) {
            throw failure("getById(" + type.name() + " id=" + id + ")", e);
        }
        if (row == null) {
            return null;
        }
        SpaceEntry e = load(row);
        return e != null && e.type().isSubtypeOf(type) && Objects.equals(e.id(), id) ? e : null;
    }

    /** The entries with {@code ids} found in the data source (any order), now cached. */
    public List<SpaceEntry> readByIds(TypeDescriptor type, Collection<Object> ids) {
        List<SpaceEntry> out = new ArrayList<>();
        if (ids.isEmpty()) {
            return out;
        }
        String root = type.root().name();
        List<Object> ask = new ArrayList<>(ids.size());
        for (Object id : ids) {
            SpaceEntry undelivered = pending.pendingEntry(root, id);
            if (undelivered != null) {
                SpaceEntry e = loadEntry(undelivered);
                if (e.type().isSubtypeOf(type)) {
                    out.add(e);
                }
            } else if (!pending.isRemoved(root, id)) {
                ask.add(id);
            }
        }
        if (ask.isEmpty()) {
            return out;
        }
        DataSourceIdsQuery q = new DataSourceIdsQuery(type.name(), javaType(type), idName(type), ask.toArray());
        Set<Object> wanted = new HashSet<>(ask);
        try (DataIterator<Object> it = nonNull(call(() -> dataSource.getDataIteratorByIds(q), q))) {
            while (it.hasNext()) {
                SpaceEntry e = load(it.next());
                if (e != null && e.type().isSubtypeOf(type) && wanted.contains(e.id())) {
                    out.add(e);
                }
            }
        } catch (SpaceException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure(q.toString(), e);
        }
        return out;
    }

    /**
     * Streams the data source's matches of {@code q} into memory and hands each (the entry now
     * current for its id, if it still matches) to {@code sink} until it returns false.
     */
    public void query(CompiledQuery q, Predicate<SpaceEntry> sink) {
        DataSourceQuery dq = toDataSourceQuery(q);
        String root = q.type().root().name();
        try (DataIterator<Object> it = nonNull(call(() -> dataSource.getDataIterator(dq), dq))) {
            while (it.hasNext()) {
                Object row = it.next();
                if (row == null) {
                    continue;
                }
                TypeDescriptor type = mapping.describeEntry(row);
                Object[] values = mapping.toValues(type, row);
                Object id = values[type.idIndex()];
                if (pending.isRemoved(root, id) || pending.pendingEntry(root, id) != null) {
                    continue; // the store's row is older than a change on its way: the pending state is used below
                }
                SpaceEntry e = router.forEntry(type, values).load(type, values);
                if (e.type().isSubtypeOf(q.type()) && q.matches(e.values()) && !sink.test(e)) {
                    return;
                }
            }
            for (SpaceEntry undelivered : pending.pendingEntries(root)) {
                if (undelivered.type().isSubtypeOf(q.type()) && q.matches(undelivered.values())) {
                    SpaceEntry e = loadEntry(undelivered);
                    if (q.matches(e.values()) && !sink.test(e)) {
                        return;
                    }
                }
            }
        } catch (SpaceException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure(dq.toString(), e);
        }
    }

    /**
     * Takes up to {@code max} matches of {@code q} that exist only in the data store: each is
     * removed through the write path (persisted REMOVE, TAKE event) without being cached.
     */
    public List<SpaceEntry> takeFromStore(CompiledQuery q, int max) {
        List<SpaceEntry> out = new ArrayList<>();
        if (max <= 0) {
            return out;
        }
        String root = q.type().root().name();
        for (SpaceEntry undelivered : pending.pendingEntries(root)) {
            // evicted from memory but not yet in the store: bring it back and take it there
            if (out.size() < max && undelivered.type().isSubtypeOf(q.type()) && q.matches(undelivered.values())) {
                SpaceEntry e = loadEntry(undelivered);
                if (q.matches(e.values()) && router.forEntry(e.type(), e.values()).takeExact(e)) {
                    out.add(e);
                }
            }
        }
        DataSourceQuery dq = toDataSourceQuery(q);
        try (DataIterator<Object> it = nonNull(call(() -> dataSource.getDataIterator(dq), dq))) {
            while (it.hasNext() && out.size() < max) {
                Object row = it.next();
                TypeDescriptor type = mapping.describeEntry(row);
                Object[] values = mapping.toValues(type, row);
                if (!type.isSubtypeOf(q.type()) || !q.matches(values)) {
                    continue;
                }
                Object id = values[type.idIndex()];
                if (pending.isRemoved(root, id) || pending.pendingEntry(root, id) != null) {
                    continue; // stale row: handled through the pending state above
                }
                SpaceEntry taken = router.forEntry(type, values).takeFromStore(type, values);
                if (taken != null) {
                    out.add(taken);
                }
            }
        } catch (SpaceException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure(dq.toString(), e);
        }
        return out;
    }

    /**
     * {@code fromMemory} (up to {@code max} matches, in ORDER BY order if any) completed with the data
     * source's matches that memory does not hold: at most {@code max} in all, ORDER BY applied to the
     * union. Memory's version of an id wins.
     */
    public List<SpaceEntry> merge(CompiledQuery q, List<SpaceEntry> fromMemory, int max) {
        List<SpaceEntry> out = new ArrayList<>(fromMemory);
        boolean ordered = q.ordering() != null;
        if (!ordered && out.size() >= max) {
            return out;
        }
        Set<List<Object>> seen = new HashSet<>();
        for (SpaceEntry e : fromMemory) {
            seen.add(key(e));
        }
        int[] added = new int[1];
        query(q, e -> {
            if (seen.add(key(e))) {
                out.add(e);
                added[0]++;
            }
            return ordered ? added[0] < max : out.size() < max;
        });
        if (ordered) {
            out.sort((a, b) -> q.ordering().compare(a.values(), b.values()));
        }
        if (out.size() > max) {
            out.subList(max, out.size()).clear();
        }
        return out;
    }

    private static List<Object> key(SpaceEntry e) {
        return List.of(e.type().root().name(), e.id());
    }

    private SpaceEntry loadEntry(SpaceEntry undelivered) {
        Object[] values = undelivered.values().clone();
        return router.forEntry(undelivered.type(), values).load(undelivered.type(), values);
    }

    private SpaceEntry load(Object row) {
        if (row == null) {
            return null;
        }
        TypeDescriptor type = mapping.describeEntry(row);
        Object[] values = mapping.toValues(type, row);
        return router.forEntry(type, values).load(type, values);
    }

    private static DataSourceQuery toDataSourceQuery(CompiledQuery q) {
        SqlForm f = q.sqlForm();
        return new DataSourceQuery(q.type().name(), javaType(q.type()), f.where(), f.parameters(), f.orderBy());
    }

    private static Class<?> javaType(TypeDescriptor type) {
        return type.kind() == TypeDescriptor.Kind.DOCUMENT ? null : type.javaType();
    }

    private static String idName(TypeDescriptor type) {
        return type.property(type.idIndex()).name();
    }

    private interface Call {
        DataIterator<Object> get();
    }

    private DataIterator<Object> call(Call c, DataSourceQuery q) {
        try {
            return c.get();
        } catch (RuntimeException e) {
            throw failure(q.toString(), e);
        }
    }

    private static DataIterator<Object> nonNull(DataIterator<Object> it) {
        return it == null ? DataIterator.empty() : it;
    }

    private DataSourceException failure(String what, RuntimeException e) {
        return new DataSourceException("space '" + spaceName + "': read-through " + what + " failed: " + e, e);
    }
}
