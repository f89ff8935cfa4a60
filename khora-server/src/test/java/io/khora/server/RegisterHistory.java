package io.khora.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The history of the registers ({@link Register}) and its checker: single-writer registers whose
 * values only increase, so linearizable reads are easy to tell from stale ones.
 *
 * <p>Each key has one writer, which puts 1, 2, 3, … one after the other; every put's outcome is
 * kept (acknowledged, or failed with what the exception means, {@link Outcomes}). Any client may read
 * any key; a read keeps when it began and ended and what it returned. The checker requires:
 * <ul>
 * <li><b>stale</b>: a read returns at least the highest value acknowledged before it began, and at
 * least what any read that ended before it began returned (nothing counts below every value);
 * <li><b>invented</b>: a read returns a value that was put (and not after the read ended), or nothing;
 * <li><b>failed-but-applied</b>: no value whose put failed as "not applied" is ever read or is the final value;
 * <li><b>lost</b>: the final value (read once the cluster converged) is at least the highest
 * acknowledged value and the highest value any read returned.
 * </ul>
 */
final class RegisterHistory {
    /** A read that found no entry. */
    static final long NONE = -1;

    /** One put; {@code meaning} is null when it was acknowledged. */
    record Put(String key, long value, long startNanos, long endNanos, Outcomes.Meaning meaning, String error) {
        boolean acknowledged() {
            return meaning == null;
        }

        /** Acknowledged, or failed with an exception that means it was applied all the same. */
        boolean applied() {
            return meaning == null || meaning == Outcomes.Meaning.APPLIED;
        }
    }

    /** One read by {@code client}; {@code value} is {@link #NONE} if it found nothing. */
    record Read(String key, String client, long startNanos, long endNanos, long value) {
    }

    final long t0;
    private final Map<String, Integer> routing;
    private final Map<String, List<Put>> puts = new ConcurrentHashMap<>();
    private final Collection<Read> reads = new ConcurrentLinkedQueue<>();
    final AtomicLong acknowledged = new AtomicLong();
    final AtomicLong failedPuts = new AtomicLong();
    final AtomicLong failedReads = new AtomicLong();

    /**
     * @param routing each key's routing value, in the order of the keys
     * @param t0 the run's start (System.nanoTime), for the times in reports
     */
    RegisterHistory(Map<String, Integer> routing, long t0) {
        this.routing = Collections.unmodifiableMap(new LinkedHashMap<>(routing));
        this.t0 = t0;
        routing.keySet().forEach(k -> puts.put(k, Collections.synchronizedList(new ArrayList<>())));
    }

    Set<String> keys() {
        return routing.keySet();
    }

    int routing(String key) {
        return routing.get(key);
    }

    /** A put of {@code value} to {@code key} that ran from {@code start} to {@code end}; {@code error} null if acknowledged. */
    void put(String key, long value, long startNanos, long endNanos, Throwable error) {
        puts.get(key).add(new Put(key, value, startNanos, endNanos, error == null ? null : Outcomes.of(error),
                error == null ? null : error.toString()));
        (error == null ? acknowledged : failedPuts).incrementAndGet();
    }

    /** A read of {@code key} by {@code client} that returned {@code got} (null: nothing). */
    void read(String key, String client, long startNanos, long endNanos, Register got) {
        reads.add(new Read(key, client, startNanos, endNanos, got == null ? NONE : got.value()));
    }

    long readCount() {
        return reads.size();
    }

    /** Every acknowledged put (for the clients' gaps). */
    List<Put> acknowledgedPuts() {
        List<Put> out = new ArrayList<>();
        for (List<Put> l : puts.values()) {
            synchronized (l) {
                l.stream().filter(Put::acknowledged).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * Checks every read and the final values ({@code finals}: key → the register read after the run,
     * absent if none; null if the final values could not be read: then only the reads are checked).
     */
    Verdict check(Map<String, Register> finals) {
        Verdict v = new Verdict();
        Map<String, List<Read>> readsByKey = new HashMap<>();
        for (Read r : reads) {
            readsByKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
        }
        List<Stale> stale = new ArrayList<>();
        for (String key : routing.keySet()) {
            List<Put> ps;
            synchronized (puts.get(key)) {
                ps = List.copyOf(puts.get(key));
            }
            Register f = finals == null ? null : finals.get(key);
            checkKey(key, ps, readsByKey.getOrDefault(key, List.of()), finals != null, f == null ? NONE : f.value(), v, stale);
        }
        reportStale(stale, v);
        return v;
    }

    /** A stale read: {@code ageNanos} since the value it returned was superseded by an acknowledged put (0 if unknown). */
    private record Stale(Read read, long ageNanos, String why) {
    }

    /** Counts every stale read; describes, per client, how many, when and how old, then the first of each key. */
    private void reportStale(List<Stale> stale, Verdict v) {
        v.count(Verdict.Kind.STALE, stale.size());
        Map<String, List<Stale>> byClient = new java.util.TreeMap<>();
        stale.forEach(s -> byClient.computeIfAbsent(s.read().client(), c -> new ArrayList<>()).add(s));
        byClient.forEach((client, l) -> v.describe(Verdict.Kind.STALE, String.format("%s: %d stale reads of %d keys from %d to %d ms,"
                        + " values up to %d ms old", client, l.size(), l.stream().map(s -> s.read().key()).distinct().count(),
                ms(l.stream().mapToLong(s -> s.read().startNanos()).min().orElse(0)),
                ms(l.stream().mapToLong(s -> s.read().endNanos()).max().orElse(0)),
                l.stream().mapToLong(Stale::ageNanos).max().orElse(0) / 1_000_000)));
        Set<String> described = new java.util.HashSet<>();
        for (Stale s : stale) {
            if (described.add(s.read().key() + "/" + s.read().client())) {
                v.describe(Verdict.Kind.STALE, describe(s.read()) + "; " + s.why());
            }
        }
    }

    private void checkKey(String key, List<Put> ps, List<Read> rs, boolean checkFinal, long fin, Verdict v, List<Stale> stale) {
        Map<Long, Put> byValue = new HashMap<>();
        List<Put> acked = new ArrayList<>();
        for (Put p : ps) {
            byValue.put(p.value(), p);
            if (p.applied()) {
                acked.add(p); // a key's puts run one after the other: ends increase with values
            }
        }
        Set<Put> notAppliedSeen = new LinkedHashSet<>();
        List<Read> byEnd = new ArrayList<>(rs);
        byEnd.sort(Comparator.comparingLong(Read::endNanos));
        List<Read> byStart = new ArrayList<>(rs);
        byStart.sort(Comparator.comparingLong(Read::startNanos));
        int ended = 0;
        Read highestEnded = null;
        long maxRead = NONE;
        for (Read r : byStart) {
            while (ended < byEnd.size() && byEnd.get(ended).endNanos() < r.startNanos()) {
                Read e = byEnd.get(ended++);
                if (highestEnded == null || e.value() > highestEnded.value()) {
                    highestEnded = e;
                }
            }
            maxRead = Math.max(maxRead, r.value());
            if (r.value() != NONE) {
                Put p = byValue.get(r.value());
                if (p == null || p.startNanos() > r.endNanos()) {
                    v.add(Verdict.Kind.INVENTED, describe(r) + " returned a value " + (p == null ? "never put" : "put after the read ended"));
                    continue;
                }
                if (p.meaning() == Outcomes.Meaning.NOT_APPLIED) {
                    notAppliedSeen.add(p);
                }
            }
            Put floor = lastAckedBefore(acked, r.startNanos());
            if (floor != null && r.value() < floor.value()) {
                long age = r.startNanos() - firstAckedAbove(acked, r.value()).endNanos();
                stale.add(new Stale(r, age, "value " + floor.value() + " was acknowledged at " + ms(floor.endNanos())
                        + " ms, before the read began; the value read was superseded by a put acknowledged " + age / 1_000_000
                        + " ms before the read began"));
            } else if (highestEnded != null && r.value() < highestEnded.value()) {
                stale.add(new Stale(r, 0, "a read that ended before it began (" + describe(highestEnded) + ") returned more"));
            }
        }
        if (!checkFinal) {
            notAppliedSeen.forEach(p -> failedButApplied(key, p, v));
            return;
        }
        if (fin != NONE) {
            Put p = byValue.get(fin);
            if (p == null) {
                v.add(Verdict.Kind.INVENTED, "register " + key + " ends at " + fin + ", a value never put");
            } else if (p.meaning() == Outcomes.Meaning.NOT_APPLIED) {
                notAppliedSeen.add(p);
            }
        }
        long maxAcked = acked.isEmpty() ? NONE : acked.get(acked.size() - 1).value();
        if (fin < maxAcked) {
            v.add(Verdict.Kind.LOST, "register " + key + " ends at " + value(fin) + " but " + maxAcked + " was acknowledged");
        } else if (fin < maxRead) {
            v.add(Verdict.Kind.LOST, "register " + key + " ends at " + value(fin) + " but a read returned " + maxRead);
        }
        notAppliedSeen.forEach(p -> failedButApplied(key, p, v));
    }

    private void failedButApplied(String key, Put p, Verdict v) {
        v.add(Verdict.Kind.FAILED_BUT_APPLIED, "put(" + key + ", " + p.value() + ") at " + ms(p.startNanos()) + ".." + ms(p.endNanos())
                + " ms failed as not applied (" + p.error() + ") but the value was read or is the final one");
    }

    /** The last acknowledged put that ended before {@code nanos}, or null. */
    private static Put lastAckedBefore(List<Put> acked, long nanos) {
        int lo = 0;
        int hi = acked.size() - 1;
        Put found = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (acked.get(mid).endNanos() - nanos < 0) {
                found = acked.get(mid);
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private static Put firstAckedAbove(List<Put> acked, long value) {
        for (Put p : acked) {
            if (p.value() > value) {
                return p;
            }
        }
        throw new IllegalStateException("no acknowledged put above " + value);
    }

    private String describe(Read r) {
        return "read of " + r.key() + " by " + r.client() + " at " + ms(r.startNanos()) + ".." + ms(r.endNanos()) + " ms returned "
                + value(r.value());
    }

    private static String value(long v) {
        return v == NONE ? "nothing" : Long.toString(v);
    }

    private long ms(long nanos) {
        return (nanos - t0) / 1_000_000;
    }
}
