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
 * <li>a write is <b>acknowledged</b> when {@code write} returned normally, <b>maybe</b> when it threw
 * (timeout, outcome unknown: it may or may not have been applied);
 * <li>a take reports the ids it got; a take that threw has an unknown outcome and may have taken up
 * to its {@code max} entries that nobody received;
 * <li>a read by id of an acknowledged entry that answered nothing is noted: the entry must have
 * been taken.
 * </ul>
 */
final class History {
    enum Outcome { ACK, MAYBE }

    record Write(Item item, Outcome outcome, long atNanos, String error) {
    }

    record Take(int thread, String kind, List<String> ids, boolean unknown, int max, long startNanos, long atNanos, String error) {
    }

    final long t0 = System.nanoTime();
    final Map<String, Write> writes = new ConcurrentHashMap<>();
    final Map<String, Item> attempted = new ConcurrentHashMap<>();
    final Collection<Take> takes = new ConcurrentLinkedQueue<>();
    final Collection<String> readMissing = new ConcurrentLinkedQueue<>();
    final Collection<String> anomalies = new ConcurrentLinkedQueue<>();
    final AtomicLong reads = new AtomicLong();
    final AtomicLong failedReads = new AtomicLong();

    void attempt(Item item) {
        if (attempted.putIfAbsent(item.id(), item) != null) {
            anomalies.add("id " + item.id() + " attempted twice by the workload");
        }
    }

    void acknowledged(Item item) {
        writes.put(item.id(), new Write(item, Outcome.ACK, System.nanoTime(), null));
    }

    void maybe(Item item, Throwable error) {
        writes.put(item.id(), new Write(item, Outcome.MAYBE, System.nanoTime(), String.valueOf(error)));
    }

    void took(int thread, String kind, List<String> ids, int max, long startNanos) {
        takes.add(new Take(thread, kind, List.copyOf(ids), false, max, startNanos, System.nanoTime(), null));
    }

    void takeUnknown(int thread, String kind, int max, long startNanos, Throwable error) {
        takes.add(new Take(thread, kind, List.of(), true, max, startNanos, System.nanoTime(), String.valueOf(error)));
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
     * fresh client) against the history; returns the violations (empty: the history is consistent).
     *
     * <ol>
     * <li>no entry was taken twice, and no entry is both taken and still there;
     * <li>nothing is there or was taken that was never written, and its content is what was written;
     * <li>every acknowledged write is there or was taken (exactly once, by 1) except at most as many as the takes with
     * an unknown outcome could have taken;
     * <li>an acknowledged entry a read did not find was taken;
     * <li>no client saw an anomaly (e.g. its own write refused as a duplicate: a retry applied twice).
     * </ol>
     */
    List<String> check(List<Item> remaining) {
        List<String> violations = new ArrayList<>();
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
                violations.add("entry " + i + " is in the space but was never written");
            } else if (!written.equals(i)) {
                violations.add("entry " + i.id() + " reads " + i + " but was written as " + written);
            }
        }
        takenCount.forEach((id, n) -> {
            if (n > 1) {
                violations.add("entry " + id + " was taken " + n + " times: " + takes.stream().filter(t -> t.ids().contains(id))
                        .map(this::describe).toList());
            }
            if (!attempted.containsKey(id)) {
                violations.add("entry " + id + " was taken but never written");
            }
            if (remainingCount.containsKey(id)) {
                violations.add("entry " + id + " was taken and is still in the space: " + takes.stream()
                        .filter(t -> t.ids().contains(id)).map(this::describe).toList());
            }
        });
        remainingCount.forEach((id, n) -> {
            if (n > 1) {
                violations.add("entry " + id + " is in the space " + n + " times");
            }
        });
        Set<String> present = new HashSet<>(remainingCount.keySet());
        present.addAll(takenCount.keySet());
        List<String> lost = new ArrayList<>();
        for (Write w : writes.values()) {
            if (w.outcome() == Outcome.ACK && !present.contains(w.item().id())) {
                lost.add(w.item().id());
            }
        }
        long unknownTakeCapacity = takes.stream().filter(Take::unknown).mapToLong(Take::max).sum();
        if (lost.size() > unknownTakeCapacity) {
            violations.add(lost.size() + " acknowledged writes are neither in the space nor taken (takes with unknown outcome could"
                    + " account for " + unknownTakeCapacity + "): " + first(lost, 20));
        }
        for (String id : readMissing) {
            if (!takenCount.containsKey(id) && remainingCount.containsKey(id)) {
                violations.add("acknowledged entry " + id + " was not found by a read but is in the space (a stale or wrong read)");
            }
        }
        for (String a : anomalies) {
            violations.add("anomaly: " + a);
        }
        return violations;
    }

    private static String first(List<String> l, int n) {
        return l.size() <= n ? l.toString() : l.subList(0, n) + " … (" + (l.size() - n) + " more)";
    }
}
