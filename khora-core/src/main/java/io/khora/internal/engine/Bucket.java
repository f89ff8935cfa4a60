package io.khora.internal.engine;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The entries under one index key. Most keys hold one entry, so a slot holds either a bare
 * {@link SpaceEntry} or a concurrent set of them; these static helpers hide the difference.
 * Mutated only under the partition lock; read without locks.
 */
final class Bucket {
    private Bucket() {
    }

    /** The slot after adding {@code e} to {@code slot} (null = empty). */
    static Object add(Object slot, SpaceEntry e) {
        if (slot == null) {
            return e;
        }
        if (slot instanceof SpaceEntry single) {
            if (single == e) {
                return single;
            }
            Set<SpaceEntry> set = ConcurrentHashMap.newKeySet(4);
            set.add(single);
            set.add(e);
            return set;
        }
        asSet(slot).add(e);
        return slot;
    }

    /** The slot after removing {@code e}, or null when it became empty. */
    static Object remove(Object slot, SpaceEntry e) {
        if (slot == null || slot == e) {
            return null;
        }
        if (slot instanceof SpaceEntry) {
            return slot;
        }
        Set<SpaceEntry> set = asSet(slot);
        set.remove(e);
        return set.isEmpty() ? null : slot;
    }

    /** Calls {@code action} for each entry in the slot. */
    static void forEach(Object slot, Consumer<SpaceEntry> action) {
        if (slot == null) {
            return;
        }
        if (slot instanceof SpaceEntry single) {
            action.accept(single);
        } else {
            asSet(slot).forEach(action);
        }
    }

    /** Number of entries in the slot. */
    static int size(Object slot) {
        return slot == null ? 0 : slot instanceof SpaceEntry ? 1 : asSet(slot).size();
    }

    /** The entries of a slot as a set view. */
    static Set<SpaceEntry> view(Object slot) {
        if (slot == null) {
            return Set.of();
        }
        return slot instanceof SpaceEntry single ? Collections.singleton(single) : asSet(slot);
    }

    @SuppressWarnings("unchecked")
    private static Set<SpaceEntry> asSet(Object slot) {
        return (Set<SpaceEntry>) slot;
    }
}
