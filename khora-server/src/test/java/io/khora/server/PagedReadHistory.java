package io.khora.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The history of reads whose answers are larger than a frame, and its checker. One writer keeps a
 * few large {@link Ballast} entries on one routing value — it writes one, then takes the oldest by
 * id, one call at a time — while readers read them all ({@code readMultiple} of that routing value,
 * answered in parts). No other client touches the type, so what a read must return follows from the
 * writer's calls alone, and concurrent takes elsewhere cannot make a short answer look right:
 *
 * <ul>
 * <li>a read that began after a write was acknowledged, and ended before any take of the entry that
 * may have applied began, must return it (else <b>stale</b>; <b>failed-but-applied</b> if only takes
 * that failed as "not applied" were tried);
 * <li>a read must not return an entry whose take (or take by id that found nothing) was answered
 * before the read began (<b>stale</b>), one that was never written or whose write began after the read
 * ended (<b>invented</b>), one whose write failed as "not applied" (<b>failed-but-applied</b>), nor one
 * twice (<b>doubled</b>);
 * <li>every entry it returns is whole: its own payload, at the size written (else <b>invented</b>).
 * </ul>
 * The final contents are checked the same way: an acknowledged entry never taken is there (else
 * <b>lost</b>); a take by id that found nothing must follow one that may have taken it (else
 * <b>lost</b>); nothing taken is still there (<b>doubled</b>).
 */
final class PagedReadHistory {
    /** What a take by id got: the entry, nothing, or a failure. */
    enum Result { TOOK, NONE, FAILED }

    /** @param failed null for an acknowledged write, else what its failure means */
    record Write(String id, int size, long startNanos, long endNanos, Outcomes.Meaning failed, String error) {
        boolean mustBeThere() {
            return failed == null || failed == Outcomes.Meaning.APPLIED;
        }
    }

    /** @param meaning for {@link Result#FAILED}: what its failure means */
    record Removal(String id, long startNanos, long endNanos, Result result, Outcomes.Meaning meaning, String error) {
        /** It may have taken the entry (a take that failed as "not applied" did not). */
        boolean mayHaveRemoved() {
            return result != Result.FAILED || meaning != Outcomes.Meaning.NOT_APPLIED;
        }

        /** Answered for good: the entry is gone (it took it, or there was none). */
        boolean definitive() {
            return result != Result.FAILED;
        }
    }

    /** @param ids what the read returned, in order; {@code bytes} their payloads' total */
    record Read(String reader, long startNanos, long endNanos, List<String> ids, long bytes) {
    }

    final long t0;
    private final Map<String, Write> writes = new ConcurrentHashMap<>();
    private final Map<String, List<Removal>> removals = new ConcurrentHashMap<>();
    private final Queue<Read> reads = new ConcurrentLinkedQueue<>();
    /** Entries a read or take returned with content that was not written. */
    private final Queue<String> malformed = new ConcurrentLinkedQueue<>();
    final AtomicLong failedReads = new AtomicLong();

    PagedReadHistory(long t0) {
        this.t0 = t0;
    }

    /** The write of {@code b} ({@code size} bytes of payload) ran from {@code startNanos} to {@code endNanos} (System.nanoTime), acknowledged. */
    void written(Ballast b, int size, long startNanos, long endNanos) {
        writes.put(b.id(), new Write(b.id(), size, startNanos, endNanos, null, null));
    }

    /** The write of {@code b} ran from {@code startNanos} to {@code endNanos} and failed with {@code error}. */
    void writeFailed(Ballast b, int size, long startNanos, long endNanos, Throwable error) {
        writes.put(b.id(), new Write(b.id(), size, startNanos, endNanos, Outcomes.of(error), String.valueOf(error)));
    }

    /** A take by id of {@code id} ran from {@code startNanos} to {@code endNanos} and answered {@code got} (null: nothing). */
    void removed(String id, long startNanos, long endNanos, Ballast got) {
        if (got != null) {
            checkContent(got, "a take by id of " + id);
            if (!got.id().equals(id)) {
                malformed.add("a take by id of " + id + " returned " + got);
            }
        }
        removal(new Removal(id, startNanos, endNanos, got == null ? Result.NONE : Result.TOOK, null, null));
    }

    /** A take by id of {@code id} ran from {@code startNanos} to {@code endNanos} and failed with {@code error}. */
    void removeFailed(String id, long startNanos, long endNanos, Throwable error) {
        removal(new Removal(id, startNanos, endNanos, Result.FAILED, Outcomes.of(error), String.valueOf(error)));
    }

    private void removal(Removal r) {
        removals.computeIfAbsent(r.id(), k -> new CopyOnWriteArrayList<>()).add(r);
    }

    /** A read by {@code reader} ran from {@code startNanos} to {@code endNanos} and returned {@code got}. */
    void read(String reader, long startNanos, long endNanos, List<Ballast> got) {
        long bytes = 0;
        List<String> ids = new ArrayList<>(got.size());
        for (Ballast b : got) {
            checkContent(b, "a read by " + reader);
            bytes += Payloads.size(b.payload());
            ids.add(b.id());
        }
        reads.add(new Read(reader, startNanos, endNanos, ids, bytes));
    }

    private void checkContent(Ballast b, String who) {
        Write w = writes.get(b.id());
        if (w != null && !b.intact(w.size())) {
            malformed.add(who + " returned " + b + " (payload " + (Payloads.intact(b.id(), b.payload()) ? "its own" : "NOT its own")
                    + "), written with " + w.size() + " bytes");
        }
    }

    int readCount() {
        return reads.size();
    }

    /** Reads whose answer carried more than {@code bytes} of payload. */
    long readsOver(long bytes) {
        return reads.stream().filter(r -> r.bytes() > bytes).count();
    }

    long largestRead() {
        return reads.stream().mapToLong(Read::bytes).max().orElse(0);
    }

    String summary() {
        long acked = writes.values().stream().filter(w -> w.failed() == null).count();
        long took = removals.values().stream().flatMap(List::stream).filter(r -> r.result() == Result.TOOK).count();
        return String.format("%d ballast writes (%d acknowledged), %d taken by id, %d paged reads (%d failed, largest %d bytes)",
                writes.size(), acked, took, reads.size(), failedReads.get(), largestRead());
    }

    /** Checks every read, and the final contents ({@code remaining}: every ballast entry read back after the load). */
    Verdict check(List<Ballast> remaining) {
        Verdict v = new Verdict();
        for (String m : malformed) {
            v.add(Verdict.Kind.INVENTED, m);
        }
        for (Read r : reads) {
            checkRead(r, v);
        }
        checkFinal(remaining, v);
        return v;
    }

    private void checkRead(Read r, Verdict v) {
        Set<String> got = new HashSet<>();
        for (String id : r.ids()) {
            if (!got.add(id)) {
                v.add(Verdict.Kind.DOUBLED, describe(r) + " returned " + id + " twice");
            }
            Write w = writes.get(id);
            if (w == null || w.startNanos() - r.endNanos() > 0) {
                v.add(Verdict.Kind.INVENTED, describe(r) + " returned " + id + ", " + (w == null ? "never written" : "written only "
                        + ms(w.startNanos()) + " ms"));
                continue;
            }
            if (w.failed() == Outcomes.Meaning.NOT_APPLIED) {
                v.add(Verdict.Kind.FAILED_BUT_APPLIED, describe(r) + " returned " + id + ", whose write failed as not applied: " + w.error());
            }
            for (Removal x : removals.getOrDefault(id, List.of())) {
                if (x.definitive() && x.endNanos() - r.startNanos() < 0) {
                    v.add(Verdict.Kind.STALE, describe(r) + " returned " + id + ", taken (" + x.result() + ") by " + ms(x.endNanos()) + " ms");
                    break;
                }
            }
        }
        for (Write w : writes.values()) {
            if (!w.mustBeThere() || got.contains(w.id()) || w.endNanos() - r.startNanos() >= 0) {
                continue;
            }
            List<Removal> before = removals.getOrDefault(w.id(), List.of()).stream().filter(x -> x.startNanos() - r.endNanos() < 0).toList();
            if (before.stream().noneMatch(Removal::mayHaveRemoved)) {
                v.add(before.isEmpty() ? Verdict.Kind.STALE : Verdict.Kind.FAILED_BUT_APPLIED, describe(r) + " did not return " + w.id()
                        + ", acknowledged at " + ms(w.endNanos()) + " ms" + (before.isEmpty() ? " and not taken"
                        : ", only takes that failed as not applied tried: " + before.get(0).error()));
            }
        }
    }

    private void checkFinal(List<Ballast> remaining, Verdict v) {
        Map<String, Integer> there = new HashMap<>();
        for (Ballast b : remaining) {
            there.merge(b.id(), 1, Integer::sum);
            Write w = writes.get(b.id());
            if (w == null) {
                v.add(Verdict.Kind.INVENTED, b + " is in the space but was never written");
                continue;
            }
            if (!b.intact(w.size())) {
                v.add(Verdict.Kind.INVENTED, b + " is in the space with content that was not written (" + w.size() + " bytes)");
            }
        }
        there.forEach((id, n) -> {
            if (n > 1) {
                v.add(Verdict.Kind.DOUBLED, id + " is in the space " + n + " times");
            }
        });
        for (Write w : writes.values()) {
            List<Removal> rs = removals.getOrDefault(w.id(), List.of());
            boolean present = there.containsKey(w.id());
            if (present && w.failed() == Outcomes.Meaning.NOT_APPLIED) {
                v.add(Verdict.Kind.FAILED_BUT_APPLIED, w.id() + " is in the space, its write failed as not applied: " + w.error());
            }
            for (int i = 0; i < rs.size(); i++) {
                Removal x = rs.get(i);
                if (x.result() == Result.TOOK && w.failed() == Outcomes.Meaning.NOT_APPLIED) {
                    v.add(Verdict.Kind.FAILED_BUT_APPLIED, w.id() + " was taken, its write failed as not applied: " + w.error());
                }
                if (x.definitive() && present) {
                    v.add(x.result() == Result.TOOK ? Verdict.Kind.DOUBLED : Verdict.Kind.STALE, w.id() + " is in the space, but a take by id"
                            + (x.result() == Result.TOOK ? " took it" : " found nothing") + " at " + ms(x.endNanos()) + " ms");
                }
                if (x.result() == Result.NONE && w.mustBeThere()) {
                    List<Removal> earlier = rs.subList(0, i);
                    if (earlier.stream().noneMatch(Removal::mayHaveRemoved)) {
                        missing(w, earlier, "a take by id at " + ms(x.startNanos()) + " ms found nothing", v);
                    }
                }
            }
            if (w.mustBeThere() && !present && rs.stream().noneMatch(Removal::mayHaveRemoved)) {
                missing(w, rs, "neither in the space nor taken", v);
            }
        }
    }

    /** An acknowledged entry gone without a take that may have taken it: lost, or failed-but-applied if only takes that failed as not applied were tried. */
    private void missing(Write w, List<Removal> tried, String what, Verdict v) {
        boolean notApplied = tried.stream().anyMatch(x -> x.result() == Result.FAILED);
        v.add(notApplied ? Verdict.Kind.FAILED_BUT_APPLIED : Verdict.Kind.LOST, w.id() + " (acknowledged at " + ms(w.endNanos())
                + " ms) is gone: " + what + (notApplied ? "; only takes that failed as not applied were tried before" : ""));
    }

    private String describe(Read r) {
        return "a read by " + r.reader() + " from " + ms(r.startNanos()) + " to " + ms(r.endNanos()) + " ms";
    }

    private long ms(long nanos) {
        return (nanos - t0) / 1_000_000;
    }
}
