package io.khora.server;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a history checker found, by invariant: how many violations of each kind and a description
 * of each (the first {@value #KEEP} per kind are kept for the report).
 */
final class Verdict {
    /** The invariants of a run. */
    enum Kind {
        /** An acknowledged write is neither in the space nor taken; a register lost an acknowledged value. */
        LOST,
        /** An entry taken twice, taken and still there, or there twice. */
        DOUBLED,
        /** Something is there, was taken or read that was never written (or with other content). */
        INVENTED,
        /** A read older than a write acknowledged (or a value read) before it began. */
        STALE,
        /** A call that failed with an exception meaning "not applied" ({@link Outcomes}) was applied. */
        FAILED_BUT_APPLIED,
        /** A partition still had no leader {@code ChaosRun.LEADER_AFTER_HEAL} after a fault healed. */
        LEADERLESS,
        /** Anything else a client or the run itself saw (anomalies, a fault that did not heal, a replica that did not catch up). */
        OTHER
    }

    static final int KEEP = 20;

    private final Map<Kind, Long> counts = new EnumMap<>(Kind.class);
    private final Map<Kind, List<String>> examples = new EnumMap<>(Kind.class);

    /** One violation of {@code kind}. */
    void add(Kind kind, String what) {
        add(kind, 1, what);
    }

    /** {@code n} violations of {@code kind}, described together. */
    synchronized void add(Kind kind, long n, String what) {
        if (n <= 0) {
            return;
        }
        counts.merge(kind, n, Long::sum);
        List<String> l = examples.computeIfAbsent(kind, k -> new ArrayList<>());
        if (l.size() < KEEP) {
            l.add(what);
        }
    }

    /** {@code n} violations of {@code kind}, described with {@link #describe} (a digest, the first examples). */
    synchronized void count(Kind kind, long n) {
        if (n > 0) {
            counts.merge(kind, n, Long::sum);
        }
    }

    /** A description of violations of {@code kind} counted with {@link #count(Kind, long)}. */
    synchronized void describe(Kind kind, String what) {
        List<String> l = examples.computeIfAbsent(kind, k -> new ArrayList<>());
        if (l.size() < KEEP) {
            l.add(what);
        }
    }

    /** Everything {@code other} found, added to this. */
    synchronized void addAll(Verdict other) {
        Map<Kind, Long> c;
        Map<Kind, List<String>> e;
        synchronized (other) {
            c = new EnumMap<>(other.counts);
            e = new EnumMap<>(other.examples);
        }
        c.forEach((k, n) -> {
            List<String> l = e.getOrDefault(k, List.of());
            counts.merge(k, n, Long::sum);
            List<String> mine = examples.computeIfAbsent(k, x -> new ArrayList<>());
            for (String s : l) {
                if (mine.size() < KEEP) {
                    mine.add(s);
                }
            }
        });
    }

    synchronized long count(Kind kind) {
        return counts.getOrDefault(kind, 0L);
    }

    synchronized boolean isEmpty() {
        return counts.isEmpty();
    }

    /** Every kept description, each prefixed with its kind. */
    synchronized List<String> all() {
        List<String> out = new ArrayList<>();
        examples.forEach((k, l) -> l.forEach(s -> out.add(k + ": " + s)));
        return out;
    }

    /** {@code lost=0 doubled=0 …}: the counts of the invariants. */
    synchronized String counts() {
        return String.format("lost=%d doubled=%d invented=%d stale=%d failed-but-applied=%d leaderless=%d other=%d", count(Kind.LOST),
                count(Kind.DOUBLED), count(Kind.INVENTED), count(Kind.STALE), count(Kind.FAILED_BUT_APPLIED), count(Kind.LEADERLESS),
                count(Kind.OTHER));
    }

    @Override
    public synchronized String toString() {
        return counts() + (counts.isEmpty() ? "" : "\n  " + String.join("\n  ", all()));
    }
}
