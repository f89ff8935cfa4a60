package io.khora.internal.router;

import io.khora.SpaceTypeException;
import io.khora.internal.engine.PartitionEngine;
import io.khora.persistence.Partitioning;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.engine.TxContext;
import io.khora.internal.engine.TxPart;
import io.khora.internal.engine.Waiter;
import io.khora.internal.engine.WaiterFuture;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Routes operations to the partitions of an embedded space: by routing value to one partition, or
 * broadcast to all and merged (max honoured overall, counts summed, ORDER BY applied globally).
 * Everything runs on the caller's thread.
 */
public final class LocalRouter {
    private final PartitionEngine[] partitions;

    /** Over {@code partitions} (index = partition id). */
    public LocalRouter(PartitionEngine[] partitions) {
        this.partitions = partitions.clone();
    }

    /** Number of partitions. */
    public int size() {
        return partitions.length;
    }

    /** Partition {@code i}. */
    public PartitionEngine partition(int i) {
        return partitions[i];
    }

    /** The partition owning {@code routingValue}. */
    public PartitionEngine forRouting(Object routingValue) {
        return partitions[Partitioning.partitionOf(routingValue, partitions.length)];
    }

    /** The partition of an entry with {@code values} of {@code type}. */
    public PartitionEngine forEntry(TypeDescriptor type, Object[] values) {
        Object routing = values[type.routingIndex()];
        if (routing == null) {
            throw new SpaceTypeException("entry of " + type.name() + " with id=" + values[type.idIndex()]
                    + " has a null routing property '" + type.property(type.routingIndex()).name() + "'");
        }
        return forRouting(routing);
    }

    /** The partitions a query must visit: one if it pins the routing value, else all. */
    public PartitionEngine[] targets(CompiledQuery q) {
        Object r = q.routingValue();
        return r == null || partitions.length == 1 ? partitions : new PartitionEngine[] {forRouting(r)};
    }

    /** The partitions an id lookup must visit: one when routing is the id (or given), else all. */
    public PartitionEngine[] targetsForId(TypeDescriptor type, Object id, Object routing) {
        if (routing != null) {
            return new PartitionEngine[] {forRouting(routing)};
        }
        if (type.routingIndex() == type.idIndex() || partitions.length == 1) {
            return new PartitionEngine[] {forRouting(id)};
        }
        return partitions;
    }

    // ---------------------------------------------------------------- reads

    /** The live entry with {@code id}, or null. */
    public SpaceEntry readById(TypeDescriptor type, Object id, Object routing) {
        for (PartitionEngine p : targetsForId(type, id, routing)) {
            SpaceEntry e = p.readById(type, id);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /** Up to {@code max} matches over the query's partitions, globally ordered if the query orders. */
    public List<SpaceEntry> readMultiple(CompiledQuery q, int max) {
        PartitionEngine[] targets = targets(q);
        List<SpaceEntry> out = new ArrayList<>();
        if (q.ordering() == null) {
            for (PartitionEngine p : targets) {
                p.readMultiple(q, max - out.size(), out);
                if (out.size() >= max) {
                    break;
                }
            }
            return out;
        }
        for (PartitionEngine p : targets) {
            p.readMultiple(q, max, out);
        }
        if (targets.length > 1) {
            out.sort((a, b) -> q.ordering().compare(a.values(), b.values()));
            if (out.size() > max) {
                out.subList(max, out.size()).clear();
            }
        }
        return out;
    }

    /** The first match, or null. */
    public SpaceEntry readFirst(CompiledQuery q) {
        if (q.ordering() != null) {
            List<SpaceEntry> one = readMultiple(q, 1);
            return one.isEmpty() ? null : one.get(0);
        }
        for (PartitionEngine p : targets(q)) {
            SpaceEntry e = p.readFirst(q);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /** Number of matches over the query's partitions. */
    public int count(CompiledQuery q) {
        int n = 0;
        for (PartitionEngine p : targets(q)) {
            n += p.count(q);
        }
        return n;
    }

    // ---------------------------------------------------------------- takes and changes

    /** Removes and returns the entry with {@code id}, or null. */
    public SpaceEntry takeById(TypeDescriptor type, Object id, Object routing) {
        return takeById(type, id, routing, null);
    }

    /**
     * Removes and returns the entry with {@code id}, or null (also when a transaction holds it: its
     * holder is then added to {@code blocked}, if given).
     */
    public SpaceEntry takeById(TypeDescriptor type, Object id, Object routing, List<TxPart> blocked) {
        for (PartitionEngine p : targetsForId(type, id, routing)) {
            SpaceEntry e = p.takeById(type, id, blocked);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /** Removes and returns up to {@code max} matches (the first in global ORDER BY order). */
    public List<SpaceEntry> takeMultiple(CompiledQuery q, int max) {
        return takeMultiple(q, max, null);
    }

    /**
     * Removes and returns up to {@code max} matches no transaction holds (the first in global ORDER BY
     * order); the holders of matches skipped are added to {@code blocked}, if given.
     */
    public List<SpaceEntry> takeMultiple(CompiledQuery q, int max, List<TxPart> blocked) {
        PartitionEngine[] targets = targets(q);
        List<SpaceEntry> out = new ArrayList<>();
        if (q.ordering() == null || targets.length == 1) {
            for (PartitionEngine p : targets) {
                out.addAll(p.takeMultiple(q, max - out.size(), blocked, false));
                if (out.size() >= max) {
                    break;
                }
            }
            return out;
        }
        return takeOrdered(q, max, blocked);
    }

    /**
     * Ordered over several partitions: picks globally, then takes exactly those (retrying any that a
     * concurrent taker got first; leaving out those a transaction holds).
     */
    private List<SpaceEntry> takeOrdered(CompiledQuery q, int max, List<TxPart> blocked) {
        List<SpaceEntry> out = new ArrayList<>();
        List<TxPart> holders = blocked != null ? blocked : new ArrayList<>();
        Set<SpaceEntry> skipped = Collections.newSetFromMap(new IdentityHashMap<>());
        while (out.size() < max) {
            List<SpaceEntry> candidates = readMultiple(q, max - out.size() + skipped.size());
            candidates.removeIf(skipped::contains);
            if (candidates.isEmpty()) {
                break;
            }
            for (SpaceEntry e : candidates) {
                if (out.size() >= max) {
                    break;
                }
                PartitionEngine p = forEntry(e.type(), e.values());
                if (p.takeExact(e)) {
                    out.add(e);
                } else {
                    TxPart holder = p.lockHolder(e);
                    if (holder != null) {
                        skipped.add(e);
                        if (!holders.contains(holder)) {
                            holders.add(holder);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Removes and returns one match, or null. */
    public SpaceEntry takeFirst(CompiledQuery q) {
        return takeFirst(q, null);
    }

    /** Removes and returns one match no transaction holds, or null; holders of matches skipped go to {@code blocked}. */
    public SpaceEntry takeFirst(CompiledQuery q, List<TxPart> blocked) {
        List<SpaceEntry> one = takeMultiple(q, 1, blocked);
        return one.isEmpty() ? null : one.get(0);
    }

    /** Removes every match; returns how many. */
    public int clear(CompiledQuery q) {
        int n = 0;
        for (PartitionEngine p : targets(q)) {
            n += p.clear(q);
        }
        return n;
    }

    /** Changes every match; returns how many. */
    public int change(CompiledQuery q, io.khora.ChangeSet changes) {
        int n = 0;
        for (PartitionEngine p : targets(q)) {
            n += p.change(q, changes);
        }
        return n;
    }

    // ---------------------------------------------------------------- waiting

    /**
     * Serves a waiting read or take from what is present, or registers it in every partition it
     * could be served from. The waiter removes itself from all of them when it completes.
     *
     * @return the waiter (its future may already be complete)
     */
    public <T> Waiter await(CompiledQuery q, Object id, Object routing, boolean take, Function<SpaceEntry, T> mapper) {
        return await(q, id, routing, take, mapper, null, null);
    }

    /**
     * Like {@link #await(CompiledQuery, Object, Object, boolean, Function)}, for a waiter running
     * under transaction {@code tx} (which must have a part in every partition the waiter may be
     * registered in: {@link #waitTargets}); {@code beforeRegister} (if given) sees the waiter before
     * it is registered anywhere.
     */
    public <T> Waiter await(CompiledQuery q, Object id, Object routing, boolean take, Function<SpaceEntry, T> mapper, TxContext tx,
                            Consumer<Waiter> beforeRegister) {
        PartitionEngine[] targets = waitTargets(q, id, routing);
        WaiterFuture<T> f = new WaiterFuture<>();
        Waiter w = new Waiter(q, id, take, mapper, f, tx);
        if (beforeRegister != null) {
            beforeRegister.accept(w);
        }
        w.onDone(() -> {
            for (PartitionEngine p : targets) {
                p.removeWaiter(w);
            }
        });
        for (PartitionEngine p : targets) {
            if (p.serveOrRegister(w)) {
                break;
            }
        }
        return w;
    }

    /** The partitions a waiter for {@code q} (or for {@code id}) is registered in. */
    public PartitionEngine[] waitTargets(CompiledQuery q, Object id, Object routing) {
        return id != null ? targetsForId(q.type(), id, routing) : targets(q);
    }

    /** Evicts expired entries in every partition; returns how many. */
    public int sweep() {
        int n = 0;
        for (PartitionEngine p : partitions) {
            n += p.sweep();
        }
        return n;
    }

    /** Closes every partition. */
    public void close() {
        for (PartitionEngine p : partitions) {
            p.close();
        }
    }
}
