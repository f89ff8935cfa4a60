package io.khora.internal.engine;

import io.khora.annotation.SpaceIndexType;
import io.khora.internal.metadata.PropertyDescriptor;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;
import io.khora.internal.query.Plan;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link CompiledQuery}'s {@link Plan} over a partition's type stores: the id map for id
 * lookups and scans, the property indexes for equality, ranges and unions. Every candidate is
 * checked for type, expiry, currency (still the live entry for its id) and the full predicate, so a
 * plan only has to produce a superset. Touches only concurrent structures, so it is safe without a
 * lock; consistency is the caller's business (the partition lock or a validated stamp).
 */
final class PlanWalker {
    private PlanWalker() {
    }

    /**
     * Visits live matches of {@code q} until the visitor returns false. Safe without a lock (every
     * structure is concurrent), but only consistent under the lock or a validated stamp.
     */
    static void visit(Map<String, TypeStore> stores, CompiledQuery q, long now, Visitor v) {
        TypeStore store = stores.get(q.type().root().name());
        if (store == null) {
            return;
        }
        TypeDescriptor type = q.type();
        Plan plan = q.plan();
        if (plan instanceof Plan.Scan) {
            for (SpaceEntry e : store.byId.values()) {
                if (accept(q, type, e, now) && !v.visit(e)) {
                    return;
                }
            }
            return;
        }
        Set<SpaceEntry> seen = plan instanceof Plan.Union ? Collections.newSetFromMap(new IdentityHashMap<>()) : null;
        visitPlan(store, q, plan, now, v, seen);
    }

    private static boolean visitPlan(TypeStore store, CompiledQuery q, Plan plan, long now, Visitor v, Set<SpaceEntry> seen) {
        TypeDescriptor type = q.type();
        if (plan instanceof Plan.IndexEq eq) {
            if (eq.position() == type.idIndex()) {
                for (Object key : eq.keys()) {
                    SpaceEntry e = store.get(key);
                    if (e != null && (seen == null || seen.add(e)) && accept(q, type, e, now) && !v.visit(e)) {
                        return false;
                    }
                }
                return true;
            }
            PropertyIndex idx = store.index(eq.property(), indexKind(type, eq.position()));
            if (idx == null) {
                return true;
            }
            for (Object key : eq.keys()) {
                for (SpaceEntry e : Bucket.view(idx.map().get(key))) {
                    if (checked(store, q, type, e, now, seen) && !v.visit(e)) {
                        return false;
                    }
                }
            }
            return true;
        }
        if (plan instanceof Plan.IndexRange r) {
            PropertyIndex idx = store.index(r.property(), SpaceIndexType.ORDERED);
            if (!(idx instanceof PropertyIndex.Ordered ordered)) {
                return true;
            }
            boolean[] go = {true};
            ordered.forRange(r.low(), r.lowInclusive(), r.high(), r.highInclusive(), e -> {
                if (go[0] && checked(store, q, type, e, now, seen) && !v.visit(e)) {
                    go[0] = false;
                }
            });
            return go[0];
        }
        if (plan instanceof Plan.Union u) {
            for (Plan part : u.parts()) {
                if (!visitPlan(store, q, part, now, v, seen)) {
                    return false;
                }
            }
            return true;
        }
        for (SpaceEntry e : store.byId.values()) {
            if ((seen == null || seen.add(e)) && accept(q, type, e, now) && !v.visit(e)) {
                return false;
            }
        }
        return true;
    }

    private static SpaceIndexType indexKind(TypeDescriptor type, int position) {
        PropertyDescriptor pd = type.property(position);
        return pd.index() == SpaceIndexType.NONE ? SpaceIndexType.EQUAL : pd.index();
    }

    private static boolean checked(TypeStore store, CompiledQuery q, TypeDescriptor type, SpaceEntry e, long now, Set<SpaceEntry> seen) {
        return store.isCurrent(e) && (seen == null || seen.add(e)) && accept(q, type, e, now);
    }

    /** Whether {@code e} is a live match of {@code q} at {@code now} (type, expiry, predicate). */
    static boolean matches(CompiledQuery q, SpaceEntry e, long now) {
        return accept(q, q.type(), e, now);
    }

    private static boolean accept(CompiledQuery q, TypeDescriptor type, SpaceEntry e, long now) {
        return (e.type() == type || e.type().isSubtypeOf(type)) && !e.isExpiredAt(now) && q.matches(e.values());
    }

    /** Receives matches; returns false to stop. */
    @FunctionalInterface
    interface Visitor {
        boolean visit(SpaceEntry e);
    }
}
