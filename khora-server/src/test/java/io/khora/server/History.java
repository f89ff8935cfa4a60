package io.khora.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The history of what the clients of a test did and were told, and the checker that holds the
 * cluster's final contents against it.
 *
 * <ul>
 * <li>a write is <b>acknowledged</b> when {@code write} returned normally, <b>maybe</b> when it threw;
 * what the exception means ({@link Outcomes}) is kept: "not applied" (then it must not be in the
 * space nor taken), "applied" (then it must be, like an acknowledged one) or "unknown" (it may or
 * may not have been applied);
 * <li>a take reports the ids it got; a take that threw may have taken up to its {@code max} entries
 * that nobody received if its outcome is unknown, none if it was "not applied";
 * <li>a read by id of an acknowledged entry that answered nothing is noted: the entry must have
 * been taken;
 * <li>a write of an entry over every node's entry limit is noted ({@link #overLimit(Item)}): whatever its
 * outcome, it must never be in the space nor taken.
 * </ul>
 * An entry's content includes its payload, byte for byte ({@link Item#equals}), so an entry cut or
 * spliced on its way (an answer sent in parts) is found like any other content that was not written.
 */
final class History {
    enum Outcome { ACK, MAYBE }

    /** @param meaning for a {@link Outcome#MAYBE}: what its exception says; null for an acknowledged write */
    record Write(Item item, Outcome outcome, long atNanos, String error, Outcomes.Meaning meaning) {
    }

    /** @param meaning for a failed take ({@code unknown}): what its exception says; null for one that returned */
    record Take(int thread, String kind, List<String> ids, boolean unknown, int max, long startNanos, long atNanos, String error,
                Outcomes.Meaning meaning) {
    }

    final long t0 = System.nanoTime();
    final Map<String, Write> writes = new ConcurrentHashMap<>();
    final Map<String, Item> attempted = new ConcurrentHashMap<>();
    final Collection<Take> takes = new ConcurrentLinkedQueue<>();
    final Collection<String> readMissing = new ConcurrentLinkedQueue<>();
    /** id → the entry as a take returned it (the first time). */
    final Map<String, Item> takenAs = new ConcurrentHashMap<>();
    final Collection<String> anomalies = new ConcurrentLinkedQueue<>();
    /** Ids of writes larger than every node's {@code max-entry-size}: none may ever be applied. */
    final Set<String> overLimit = ConcurrentHashMap.newKeySet();
    final AtomicLong reads = new AtomicLong();
    final AtomicLong failedReads = new AtomicLong();
    /** Writes acknowledged and takes that returned: the progress the fault schedules follow. */
    final AtomicLong acknowledgedOps = new AtomicLong();

    void attempt(Item item) {
        if (attempted.putIfAbsent(item.id(), item) != null) {
            anomalies.add("id " + item.id() + " attempted twice by the workload");
        }
    }

    void acknowledged(Item item) {
        acknowledged(item, System.nanoTime());
    }

    /** {@code item} (attempted) is larger than every node's entry limit: no outcome of its write may apply it. */
    void overLimit(Item item) {
        overLimit.add(item.id());
    }

    /** Acknowledged at {@code atNanos} (System.nanoTime; a client process's report comes later). */
    void acknowledged(Item item, long atNanos) {
        writes.put(item.id(), new Write(item, Outcome.ACK, atNanos, null, null));
        acknowledgedOps.incrementAndGet();
    }

    void maybe(Item item, Throwable error) {
        maybe(item, String.valueOf(error), Outcomes.of(error));
    }

    /** Failed with {@code error}, which means {@code meaning}. */
    void maybe(Item item, String error, Outcomes.Meaning meaning) {
        writes.put(item.id(), new Write(item, Outcome.MAYBE, System.nanoTime(), error, meaning));
    }

    /** A take that returned {@code items}; their contents are checked against what was written in {@link #check}. */
    void tookItems(int thread, String kind, List<Item> items, int max, long startNanos) {
        for (Item i : items) {
            takenAs.putIfAbsent(i.id(), i);
        }
        took(thread, kind, items.stream().map(Item::id).toList(), max, startNanos);
    }

    void took(int thread, String kind, List<String> ids, int max, long startNanos) {
        takes.add(new Take(thread, kind, List.copyOf(ids), false, max, startNanos, System.nanoTime(), null, null));
        acknowledgedOps.incrementAndGet();
    }

    void takeUnknown(int thread, String kind, int max, long startNanos, Throwable error) {
        takeFailed(thread, kind, max, startNanos, String.valueOf(error), Outcomes.of(error));
    }

    /** A take that failed with {@code error}, which means {@code meaning}. */
    void takeFailed(int thread, String kind, int max, long startNanos, String error, Outcomes.Meaning meaning) {
        takes.add(new Take(thread, kind, List.of(), true, max, startNanos, System.nanoTime(), error, meaning));
    }

    /** A take for a report: who, what, when (ms since the history began). */
    String describe(Take t) {
        return String.format("%s by thread %d from %d to %d ms%s", t.kind(), t.thread(), (t.startNanos() - t0) / 1_000_000,
                (t.atNanos() - t0) / 1_000_000, t.unknown() ? " (failed: " + t.error() + ")" : "");
    }

    void anomaly(String what) {
        anomalies.add(what);
    }

    long acknowledgedCount() {
        return writes.values().stream().filter(w -> w.outcome() == Outcome.ACK).count();
    }

    long maybeCount() {
        return writes.values().stream().filter(w -> w.outcome() == Outcome.MAYBE).count();
    }

    /** Writes acknowledged after {@code nanos} (System.nanoTime) by each writer. */
    Map<Integer, Long> acknowledgedAfter(long nanos) {
        Map<Integer, Long> out = new HashMap<>();
        for (Write w : writes.values()) {
            if (w.outcome() == Outcome.ACK && w.atNanos() - nanos > 0) {
                out.merge(w.item().writer(), 1L, Long::sum);
            }
        }
        return out;
    }

    long takenAfter(long nanos) {
        return takes.stream().filter(t -> !t.unknown() && t.atNanos() - nanos > 0).mapToLong(t -> t.ids().size()).sum();
    }

    /** The longest time no write was acknowledged, between the first and the last acknowledgement (how long clients stalled). */
    long longestAckGapMillis() {
        long[] at = writes.values().stream().filter(w -> w.outcome() == Outcome.ACK).mapToLong(Write::atNanos).sorted().toArray();
        long gap = 0;
        for (int i = 1; i < at.length; i++) {
            gap = Math.max(gap, at[i] - at[i - 1]);
        }
        return gap / 1_000_000;
    }

    String summary() {
        long taken = takes.stream().mapToLong(t -> t.ids().size()).sum();
        long unknown = takes.stream().filter(Take::unknown).count();
        return String.format("%d writes attempted: %d acknowledged, %d maybe; %d take calls took %d entries, %d with unknown outcome;"
                + " %d reads (%d failed, %d answered nothing: taken); longest stall of acknowledgements %d ms", attempted.size(),
                acknowledgedCount(), maybeCount(), takes.size(), taken, unknown, reads.get(), failedReads.get(), readMissing.size(),
                longestAckGapMillis());
    }

    /**
     * Checks the final contents ({@code remaining}: every entry read back after the test, with a
     * fresh client) against the history; returns the violations by invariant (empty: the history is
     * consistent).
     *
     * <ol>
     * <li>doubled: no entry was taken twice, none is both taken and still there, none is there twice;
     * <li>invented: nothing is there or was taken that was never written, and its content is what was written;
     * <li>lost: every acknowledged write is there or was taken, except at most as many as the takes with an
     * unknown outcome could have taken; missing entries only takes that failed as "not applied" could
     * account for are failed-but-applied;
     * <li>failed-but-applied: no write that failed as "not applied" is there or was taken; other: no write
 * over every node's entry limit is there or was taken, whatever its outcome;
     * <li>stale: an acknowledged entry a read did not find was taken;
     * <li>other: no client saw an anomaly (e.g. its own write refused as a duplicate: a retry applied twice).
     * </ol>
     */
    Verdict check(List<Item> remaining) {
        Verdict v = new Verdict();
        Map<String, Integer> takenCount = new HashMap<>();
        for (Take t : takes) {
            for (String id : t.ids()) {
                takenCount.merge(id, 1, Integer::sum);
            }
        }
        Map<String, Integer> remainingCount = new HashMap<>();
        for (Item i : remaining) {
            remainingCount.merge(i.id(), 1, Integer::sum);
            Item written = attempted.get(i.id());
            if (written == null) {
                v.add(Verdict.Kind.INVENTED, "entry " + i + " is in the space but was never written");
            } else if (!written.equals(i)) {
                v.add(Verdict.Kind.INVENTED, "entry " + i.id() + " reads " + i + " but was written as " + written);
            }
        }
        takenCount.forEach((id, n) -> {
            if (n > 1) {
                v.add(Verdict.Kind.DOUBLED, "entry " + id + " was taken " + n + " times: " + takes.stream()
                        .filter(t -> t.ids().contains(id)).map(this::describe).toList());
            }
            Item written = attempted.get(id);
            Item taken = takenAs.get(id);
            if (written == null) {
                v.add(Verdict.Kind.INVENTED, "entry " + id + " was taken but never written");
            } else if (taken != null && !taken.equals(written)) {
                v.add(Verdict.Kind.INVENTED, "a take returned " + taken + ", written as " + written);
            }
            if (remainingCount.containsKey(id)) {
                v.add(Verdict.Kind.DOUBLED, "entry " + id + " was taken and is still in the space: " + takes.stream()
                        .filter(t -> t.ids().contains(id)).map(this::describe).toList());
            }
        });
        remainingCount.forEach((id, n) -> {
            if (n > 1) {
                v.add(Verdict.Kind.DOUBLED, "entry " + id + " is in the space " + n + " times");
            }
        });
        Set<String> present = new HashSet<>(remainingCount.keySet());
        present.addAll(takenCount.keySet());
        List<String> missing = new ArrayList<>();
        for (Write w : writes.values()) {
            if (overLimit.contains(w.item().id()) && present.contains(w.item().id()) && w.meaning() != Outcomes.Meaning.NOT_APPLIED) {
                v.add(Verdict.Kind.OTHER, "entry " + w.item() + " is larger than every node's max-entry-size, yet it is "
                        + (remainingCount.containsKey(w.item().id()) ? "in the space" : "taken") + " (its write: "
                        + (w.outcome() == Outcome.ACK ? "acknowledged" : w.error()) + ")");
            }
            if ((w.outcome() == Outcome.ACK || w.meaning() == Outcomes.Meaning.APPLIED) && !present.contains(w.item().id())) {
                missing.add(w.item().id());
            } else if (w.meaning() == Outcomes.Meaning.NOT_APPLIED && present.contains(w.item().id())) {
                v.add(Verdict.Kind.FAILED_BUT_APPLIED, "write of " + w.item().id() + " failed as not applied but the entry is "
                        + (remainingCount.containsKey(w.item().id()) ? "in the space" : "taken") + ": " + w.error());
            }
        }
        long unknownCapacity = takeCapacity(Outcomes.Meaning.UNKNOWN) + takeCapacity(Outcomes.Meaning.APPLIED); // took, but what is not known
        long notAppliedCapacity = takeCapacity(Outcomes.Meaning.NOT_APPLIED);
        long beyond = missing.size() - unknownCapacity;
        if (beyond > 0) {
            long lied = Math.min(beyond, notAppliedCapacity);
            v.add(Verdict.Kind.FAILED_BUT_APPLIED, lied, lied + " acknowledged writes are neither in the space nor taken, beyond what"
                    + " the takes with unknown outcome could have taken (" + unknownCapacity + "); only takes that failed as not applied"
                    + " (up to " + notAppliedCapacity + ") could have taken them: " + first(missing, 20));
            v.add(Verdict.Kind.LOST, beyond - lied, (beyond - lied) + " acknowledged writes are neither in the space nor taken (takes"
                    + " that failed could account for " + (unknownCapacity + notAppliedCapacity) + " of " + missing.size() + "): "
                    + first(missing, 20));
        }
        for (String id : readMissing) {
            if (!takenCount.containsKey(id) && remainingCount.containsKey(id)) {
                v.add(Verdict.Kind.STALE, "acknowledged entry " + id + " was not found by a read but is in the space (a stale or wrong read)");
            }
        }
        for (String a : anomalies) {
            v.add(Verdict.Kind.OTHER, "anomaly: " + a);
        }
        return v;
    }

    /** The most entries the takes that failed with {@code meaning} could have taken. */
    private long takeCapacity(Outcomes.Meaning meaning) {
        return takes.stream().filter(t -> t.unknown() && t.meaning() == meaning).mapToLong(Take::max).sum();
    }

    private static String first(List<String> l, int n) {
        return l.size() <= n ? l.toString() : l.subList(0, n) + " … (" + (l.size() - n) + " more)";
    }
}
