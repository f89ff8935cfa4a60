package io.khora.internal.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The waiters of one partition, by root type: waiters for an id in a map by id, query waiters in
 * arrival order. Guarded by the partition lock. A write asks only the waiters of its own root type
 * (and of its id), so unrelated waiters cost nothing.
 */
final class WaiterRegistry {
    private static final class PerType {
        final LinkedHashSet<Waiter> queries = new LinkedHashSet<>();
        final Map<Object, LinkedHashSet<Waiter>> byId = new HashMap<>();
    }

    private final Map<String, PerType> byRoot = new HashMap<>();
    private int size;

    int size() {
        return size;
    }

    void add(String root, Waiter w) {
        PerType p = byRoot.computeIfAbsent(root, r -> new PerType());
        boolean added = w.id() == null ? p.queries.add(w) : p.byId.computeIfAbsent(w.id(), k -> new LinkedHashSet<>()).add(w);
        if (added) {
            size++;
        }
    }

    void remove(String root, Waiter w) {
        PerType p = byRoot.get(root);
        if (p == null) {
            return;
        }
        boolean removed;
        if (w.id() == null) {
            removed = p.queries.remove(w);
        } else {
            LinkedHashSet<Waiter> s = p.byId.get(w.id());
            removed = s != null && s.remove(w);
            if (s != null && s.isEmpty()) {
                p.byId.remove(w.id());
            }
        }
        if (removed) {
            size--;
        }
        if (p.queries.isEmpty() && p.byId.isEmpty()) {
            byRoot.remove(root);
        }
    }

    /** The unclaimed waiters that {@code e} matches, in arrival order. */
    List<Waiter> matching(String root, SpaceEntry e) {
        PerType p = byRoot.get(root);
        if (p == null) {
            return List.of();
        }
        List<Waiter> out = new ArrayList<>(2);
        LinkedHashSet<Waiter> ids = p.byId.get(e.id());
        if (ids != null) {
            for (Waiter w : ids) {
                if (!w.isClaimed() && w.matches(e)) {
                    out.add(w);
                }
            }
        }
        for (Waiter w : p.queries) {
            if (!w.isClaimed() && w.matches(e)) {
                out.add(w);
            }
        }
        if (ids != null && !p.queries.isEmpty() && out.size() > 1) {
            out.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        }
        return out;
    }

    /** Removes and returns every waiter. */
    List<Waiter> drain() {
        List<Waiter> all = new ArrayList<>(size);
        for (PerType p : byRoot.values()) {
            all.addAll(p.queries);
            p.byId.values().forEach(all::addAll);
        }
        byRoot.clear();
        size = 0;
        return all;
    }
}
