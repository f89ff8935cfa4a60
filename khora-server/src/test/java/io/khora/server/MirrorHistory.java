package io.khora.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * What the clients of {@link MultiProcessWriteBehindIT} did to each entry and were told, and the
 * checkers that hold the database (and the space) against it.
 *
 * <p>Each id belongs to one client thread, which runs its operations on it one after the other:
 * <ul>
 * <li>{@code WRITE rev 1} ({@code WriteMode.WRITE_ONLY}, a fresh id),
 * <li>{@code UPDATE rev r} ({@code WriteMode.UPDATE_ONLY}, the entry rewritten with the next revision;
 *     revisions are counted per attempt, so no revision is ever attempted twice for one id),
 * <li>{@code TAKE} ({@code takeById}): after it, whatever its outcome, the id is never used again; nor
 *     after an update refused because the entry is absent.
 * </ul>
 * Each operation's outcome is {@link Outcome#ACK} (returned normally; a take also says what it
 * took), {@link Outcome#FAILED} (a definite refusal by the partition: {@code EntryNotFoundException}
 * for an update — the partition decided it, once, with the call deduplicated across retries — so it
 * did not apply), or {@link Outcome#UNKNOWN} (any other failure: timeout, outcome unknown, no leader;
 * it may or may not have been applied).
 */
final class MirrorHistory {
    enum Kind { WRITE, UPDATE, TAKE }

    enum Outcome { ACK, FAILED, UNKNOWN }

    /** State "absent" in the model (revisions start at 1). */
    static final long ABSENT = 0;

    /**
     * One operation on one id.
     *
     * @param rev the revision written (WRITE, UPDATE); for a TAKE the revision it returned, {@link #ABSENT} if it returned nothing
     *            (or its outcome is unknown)
     */
    record Op(Kind kind, long rev, Outcome outcome, long startNanos, long endNanos, String error) {
    }

    final long t0 = System.nanoTime();
    /** id → the entry as first written (routing, writer). */
    final Map<Long, MirroredItem> entries = new ConcurrentHashMap<>();
    /** id → its operations in order (each list is appended to by the id's thread only). */
    final Map<Long, List<Op>> ops = new ConcurrentHashMap<>();
    final Collection<String> anomalies = new ConcurrentLinkedQueue<>();

    void record(MirroredItem item, Kind kind, long rev, Outcome outcome, long startNanos, Throwable error) {
        entries.putIfAbsent(item.getId(), item.withRev(1));
        ops.computeIfAbsent(item.getId(), k -> Collections.synchronizedList(new ArrayList<>()))
                .add(new Op(kind, rev, outcome, startNanos, System.nanoTime(), error == null ? null : error.toString()));
    }

    void anomaly(String what) {
        anomalies.add(what);
    }

    long count(Outcome outcome) {
        return ops.values().stream().flatMap(List::stream).filter(o -> o.outcome() == outcome).count();
    }

    long count(Kind kind, Outcome outcome) {
        return ops.values().stream().flatMap(List::stream).filter(o -> o.kind() == kind && o.outcome() == outcome).count();
    }

    /** Acknowledged operations that ended after {@code nanos} (System.nanoTime). */
    long acknowledgedAfter(long nanos) {
        return ops.values().stream().flatMap(List::stream).filter(o -> o.outcome() == Outcome.ACK && o.endNanos() - nanos > 0).count();
    }

    String summary() {
        long total = ops.values().stream().mapToLong(List::size).sum();
        return String.format("%d ids, %d operations: writes %d ack / %d unknown; updates %d ack / %d refused (absent) / %d unknown;"
                        + " takes %d ack (%d took an entry) / %d unknown", ops.size(), total,
                count(Kind.WRITE, Outcome.ACK), count(Kind.WRITE, Outcome.UNKNOWN),
                count(Kind.UPDATE, Outcome.ACK), count(Kind.UPDATE, Outcome.FAILED), count(Kind.UPDATE, Outcome.UNKNOWN),
                count(Kind.TAKE, Outcome.ACK),
                ops.values().stream().flatMap(List::stream).filter(o -> o.kind() == Kind.TAKE && o.outcome() == Outcome.ACK
                        && o.rev() != ABSENT).count(),
                count(Kind.TAKE, Outcome.UNKNOWN));
    }

    /** The entry {@code id} at revision {@code rev}: what a row or entry in that state must hold. */
    MirroredItem expected(long id, long rev) {
        return entries.get(id).withRev(rev);
    }

    private String describe(Op o) {
        String what = switch (o.kind()) {
            case WRITE, UPDATE -> o.kind() + " rev " + o.rev();
            case TAKE -> "TAKE" + (o.outcome() == Outcome.ACK ? (o.rev() == ABSENT ? " (took nothing)" : " (took rev " + o.rev() + ")") : "");
        };
        return what + " " + o.outcome() + " [" + (o.startNanos() - t0) / 1_000_000 + ".." + (o.endNanos() - t0) / 1_000_000 + " ms]"
                + (o.error() == null ? "" : " (" + o.error() + ")");
    }

    /** The operations on {@code id}, for a report. */
    String describe(long id) {
        List<Op> l = ops.get(id);
        if (l == null) {
            return "(no operations)";
        }
        synchronized (l) {
            return l.stream().map(this::describe).collect(Collectors.joining("; ", "[", "]"));
        }
    }

    private static String state(long s) {
        return s == ABSENT ? "absent" : "rev " + s;
    }

    /**
     * The states {@code id} may be in after its operations ({@link #ABSENT} or a revision): the
     * operations are applied in order, an acknowledged one applied, a refused one not, one with
     * unknown outcome either. Sets {@code violations} when what a client was told cannot be
     * explained (a take returned a revision the entry cannot have had, an update was refused as absent
     * although the entry must exist, …).
     */
    Set<Long> possibleStates(long id, List<String> violations) {
        Set<Long> s = new TreeSet<>();
        s.add(ABSENT);
        List<Op> l;
        synchronized (ops.get(id)) {
            l = List.copyOf(ops.get(id));
        }
        for (Op o : l) {
            boolean present = s.stream().anyMatch(x -> x != ABSENT);
            switch (o.kind()) {
                case WRITE -> { // WRITE_ONLY of a fresh id
                    if (o.outcome() == Outcome.ACK) {
                        if (!s.contains(ABSENT)) {
                            violations.add("id " + id + ": " + describe(o) + " was acknowledged (insert only), but the entry must have"
                                    + " existed (states " + s + "); operations " + describe(id));
                        }
                        s = new TreeSet<>(Set.of(o.rev()));
                    } else if (o.outcome() == Outcome.UNKNOWN && s.contains(ABSENT)) {
                        s.add(o.rev());
                    }
                }
                case UPDATE -> { // UPDATE_ONLY
                    if (o.outcome() == Outcome.ACK) {
                        if (!present) {
                            violations.add("id " + id + ": " + describe(o) + " was acknowledged (update only), but the entry cannot have"
                                    + " existed; operations " + describe(id));
                        }
                        s = new TreeSet<>(Set.of(o.rev()));
                    } else if (o.outcome() == Outcome.FAILED) {
                        if (!s.contains(ABSENT)) {
                            violations.add("id " + id + ": " + describe(o) + " was refused as absent, but the entry must have existed"
                                    + " (states " + s + "); operations " + describe(id));
                        }
                        s = new TreeSet<>(Set.of(ABSENT));
                    } else if (present) {
                        s.add(o.rev());
                    }
                }
                case TAKE -> {
                    if (o.outcome() == Outcome.ACK) {
                        if (!s.contains(o.rev())) {
                            violations.add("id " + id + ": " + describe(o) + " but the entry could only be " + s.stream()
                                    .map(MirrorHistory::state).toList() + "; operations " + describe(id));
                        }
                        s = new TreeSet<>(Set.of(ABSENT));
                    } else {
                        s.add(ABSENT);
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        return s;
    }

    /**
     * Holds the final contents of {@code where} (the table, or the space) against the history:
     * <ol>
     * <li>for every id, its state there (absent, or the revision it holds) is one the operations allow
     *     ({@link #possibleStates}): the last acknowledged operation's result, or — only if operations
     *     with unknown outcome came after it — one of theirs. So an acknowledged write or update that is
     *     missing, or an acknowledged take whose entry is still there, is a violation;
     * <li>a row's content is exactly the state (id, rev) that was written (routing, writer, amount);
     * <li>nothing is there that was never written.
     * </ol>
     */
    List<String> check(String where, Map<Long, MirroredItem> actual) {
        List<String> violations = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        for (Long id : new TreeSet<>(ops.keySet())) {
            Set<Long> possible = possibleStates(id, violations);
            MirroredItem row = actual.get(id);
            long state = row == null ? ABSENT : row.getRev();
            if (!possible.contains(state)) {
                String msg = "id " + id + ": " + where + " has it " + state(state) + ", expected " + possible.stream()
                        .map(MirrorHistory::state).collect(Collectors.joining(" or ")) + "; operations " + describe(id);
                (row == null ? lost : violations).add(msg);
            }
            if (row != null && !row.equals(expected(id, row.getRev()))) {
                violations.add("id " + id + ": " + where + " holds " + row + ", but rev " + row.getRev() + " was written as "
                        + expected(id, row.getRev()));
            }
        }
        for (Map.Entry<Long, MirroredItem> e : actual.entrySet()) {
            if (!ops.containsKey(e.getKey())) {
                violations.add("id " + e.getKey() + ": " + where + " holds " + e.getValue() + ", which was never written");
            }
        }
        if (!lost.isEmpty()) {
            violations.add(0, lost.size() + " ids absent from the " + where + " although the history requires them: " + lost);
        }
        return violations;
    }

    /**
     * Holds the audit trail (every applied row change, per id, in the order applied) against the
     * history: nothing applied twice and nothing out of order.
     * <ul>
     * <li>every audited state (id, rev, amount) was attempted by a client;
     * <li>no (operation, rev) occurs twice for one id — a change applied twice shows this way, since
     *     every revision is written at most once and the endpoint upserts;
     * <li>the first change of an id is an INSERT; INSERT/UPDATE revisions strictly increase; a DELETE
     *     removes the revision last written; nothing follows a DELETE (an id is never written again
     *     after a take) — a replayed older change would break one of these;
     * <li>the last audited state is the table's row (or its absence).
     * </ul>
     */
    List<String> checkAudit(Map<Long, List<MirrorDb.Audit>> audit, Map<Long, MirroredItem> table) {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<Long, List<MirrorDb.Audit>> e : audit.entrySet()) {
            long id = e.getKey();
            List<MirrorDb.Audit> rows = e.getValue();
            if (!ops.containsKey(id)) {
                violations.add("id " + id + ": audited changes " + rows + " but the id was never written");
                continue;
            }
            long maxAttempted = attemptedRevs(id);
            Set<String> seen = new LinkedHashSet<>();
            long last = ABSENT;
            boolean deleted = false;
            for (int i = 0; i < rows.size(); i++) {
                MirrorDb.Audit a = rows.get(i);
                String where = "id " + id + ": audit row " + a + " (audit trail " + rows + "; operations " + describe(id) + ")";
                if (a.rev() < 1 || a.rev() > maxAttempted || a.amount() != MirroredItem.amountOf(id, a.rev())) {
                    violations.add(where + ": a state that was never attempted (amount " + a.amount() + ")");
                }
                if (!seen.add(a.op() + " " + a.rev())) {
                    violations.add(where + ": " + a.op() + " of rev " + a.rev() + " applied twice");
                }
                if (deleted) {
                    violations.add(where + ": a change applied after the row was deleted (the id was never written after its take)");
                }
                switch (a.op()) {
                    case "INSERT" -> {
                        if (i > 0 && !deleted) {
                            violations.add(where + ": an INSERT of a row that existed");
                        }
                        if (a.rev() <= last) {
                            violations.add(where + ": rev " + a.rev() + " applied after rev " + last);
                        }
                        last = a.rev();
                        deleted = false;
                    }
                    case "UPDATE" -> {
                        if (i == 0 || deleted) {
                            violations.add(where + ": an UPDATE of a row that did not exist");
                        }
                        if (a.rev() <= last) {
                            violations.add(where + ": rev " + a.rev() + " applied after rev " + last
                                    + (a.rev() == last ? " (the same change applied twice)" : " (out of order)"));
                        }
                        last = a.rev();
                    }
                    case "DELETE" -> {
                        if (a.rev() != last) {
                            violations.add(where + ": the DELETE removed rev " + a.rev() + " but rev " + last + " was last applied");
                        }
                        deleted = true;
                    }
                    default -> violations.add(where + ": unknown operation " + a.op());
                }
            }
            MirroredItem row = table.get(id);
            long auditState = deleted ? ABSENT : last;
            long tableState = row == null ? ABSENT : row.getRev();
            if (auditState != tableState) {
                violations.add("id " + id + ": the audit trail " + rows + " ends in " + state(auditState) + " but the table has "
                        + state(tableState));
            }
        }
        for (Map.Entry<Long, MirroredItem> e : table.entrySet()) {
            if (!audit.containsKey(e.getKey())) {
                violations.add("id " + e.getKey() + ": in the table (" + e.getValue() + ") without an audited change");
            }
        }
        return violations;
    }

    /** The highest revision attempted for {@code id}. */
    private long attemptedRevs(long id) {
        List<Op> l = ops.get(id);
        synchronized (l) {
            return l.stream().filter(o -> o.kind() != Kind.TAKE).mapToLong(Op::rev).max().orElse(0);
        }
    }

    /** Differences between two id → entry maps, for a report (at most {@code max}). */
    static List<String> diff(String a, Map<Long, MirroredItem> left, String b, Map<Long, MirroredItem> right, int max) {
        List<String> out = new ArrayList<>();
        Set<Long> ids = new TreeSet<>(left.keySet());
        ids.addAll(right.keySet());
        int n = 0;
        for (Long id : ids) {
            MirroredItem l = left.get(id);
            MirroredItem r = right.get(id);
            if (l == null ? r != null : !l.equals(r)) {
                if (out.size() < max) {
                    out.add("id " + id + ": " + a + " " + (l == null ? "absent" : "rev " + l.getRev()) + ", " + b + " "
                            + (r == null ? "absent" : "rev " + r.getRev()));
                }
                n++;
            }
        }
        if (n > out.size()) {
            out.add("… " + (n - out.size()) + " more");
        }
        return out;
    }

    /** Ids per outcome of their last operation, for a report. */
    Map<String, Long> lastOutcomes() {
        Map<String, Long> out = new TreeMap<>();
        for (List<Op> l : ops.values()) {
            Op last;
            synchronized (l) {
                last = l.get(l.size() - 1);
            }
            out.merge(last.kind() + " " + last.outcome(), 1L, Long::sum);
        }
        return out;
    }

    /** The ids whose operations include one with an unknown outcome. */
    long idsWithUnknown() {
        Map<Long, Boolean> m = new HashMap<>();
        ops.forEach((id, l) -> {
            synchronized (l) {
                m.put(id, l.stream().anyMatch(o -> o.outcome() == Outcome.UNKNOWN));
            }
        });
        return m.values().stream().filter(b -> b).count();
    }
}
