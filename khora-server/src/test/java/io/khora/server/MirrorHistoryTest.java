package io.khora.server;

import io.khora.server.MirrorHistory.Kind;
import io.khora.server.MirrorHistory.Outcome;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The checker of {@link MultiProcessWriteBehindIT} on made-up histories: it accepts what is allowed and names what is not. */
class MirrorHistoryTest {
    private final MirrorHistory h = new MirrorHistory();

    private MirroredItem item(long id) {
        return new MirroredItem(id, (int) (id % 64), 0, 1);
    }

    private void op(long id, Kind kind, long rev, Outcome outcome) {
        h.record(item(id).withRev(kind == Kind.TAKE ? 1 : rev), kind, rev, outcome, System.nanoTime(), outcome == Outcome.ACK ? null
                : new RuntimeException(outcome.name()));
    }

    private static Map<Long, MirroredItem> table(MirroredItem... rows) {
        Map<Long, MirroredItem> t = new TreeMap<>();
        for (MirroredItem r : rows) {
            t.put(r.getId(), r);
        }
        return t;
    }

    @Test
    void theLastAcknowledgedStateIsRequiredAndUnknownOutcomesAfterItAreAccepted() {
        op(1, Kind.WRITE, 1, Outcome.ACK);
        op(1, Kind.UPDATE, 2, Outcome.ACK);
        op(2, Kind.WRITE, 1, Outcome.ACK);
        op(2, Kind.UPDATE, 2, Outcome.UNKNOWN);
        op(3, Kind.WRITE, 1, Outcome.ACK);
        op(3, Kind.TAKE, 1, Outcome.ACK);
        op(4, Kind.WRITE, 1, Outcome.UNKNOWN);
        op(5, Kind.WRITE, 1, Outcome.UNKNOWN);
        op(5, Kind.UPDATE, 2, Outcome.FAILED);
        op(6, Kind.WRITE, 1, Outcome.ACK);
        op(6, Kind.TAKE, 0, Outcome.UNKNOWN);

        assertThat(h.check("table", table(item(1).withRev(2), item(2).withRev(1), item(6)))).isEmpty();
        assertThat(h.check("table", table(item(1).withRev(2), item(2).withRev(2), item(4)))).isEmpty();

        List<String> v = h.check("table", table(item(1), item(3), item(5), item(6)));
        assertThat(v).anyMatch(s -> s.startsWith("1 ids absent from the table") && s.contains("id 2: table has it absent, expected rev 1 or rev 2"));
        assertThat(v).anyMatch(s -> s.startsWith("id 1: table has it rev 1, expected rev 2; operations [WRITE rev 1 ACK"));
        assertThat(v).anyMatch(s -> s.startsWith("id 3: table has it rev 1, expected absent; operations [WRITE rev 1 ACK")
                && s.contains("TAKE (took rev 1) ACK"));
        assertThat(v).anyMatch(s -> s.startsWith("id 5: table has it rev 1, expected absent"));
        assertThat(v).hasSize(4);
    }

    @Test
    void rowsNeverWrittenOrWithOtherContentAndImpossibleAnswersAreNamed() {
        op(1, Kind.WRITE, 1, Outcome.ACK);
        op(2, Kind.WRITE, 1, Outcome.ACK);
        op(2, Kind.UPDATE, 2, Outcome.FAILED); // refused as absent although acknowledged: the space's fault
        MirroredItem wrong = item(1);
        wrong.setAmount(5);
        List<String> v = h.check("table", table(wrong, item(9)));
        assertThat(v).anyMatch(s -> s.startsWith("id 1: table holds") && s.contains("but rev 1 was written as"));
        assertThat(v).anyMatch(s -> s.startsWith("id 9: table holds") && s.endsWith("which was never written"));
        assertThat(v).anyMatch(s -> s.startsWith("id 2: UPDATE rev 2 FAILED") && s.contains("the entry must have existed"));
    }

    private static MirrorDb.Audit a(long seq, String op, long id, long rev) {
        return new MirrorDb.Audit(seq, op, id, rev, MirroredItem.amountOf(id, rev), seq);
    }

    @Test
    void theAuditTrailShowsAChangeAppliedTwiceOrOutOfOrder() {
        for (long id = 1; id <= 5; id++) {
            op(id, Kind.WRITE, 1, Outcome.ACK);
            op(id, Kind.UPDATE, 2, Outcome.ACK);
            op(id, Kind.UPDATE, 3, Outcome.ACK);
            op(id, Kind.TAKE, 3, Outcome.ACK);
        }
        Map<Long, List<MirrorDb.Audit>> audit = new TreeMap<>();
        audit.put(1L, List.of(a(1, "INSERT", 1, 1), a(2, "UPDATE", 1, 3), a(3, "DELETE", 1, 3)));     // fine (consolidated)
        audit.put(2L, List.of(a(4, "INSERT", 2, 2), a(5, "UPDATE", 2, 2), a(6, "DELETE", 2, 2)));     // rev 2 applied twice
        audit.put(3L, List.of(a(7, "INSERT", 3, 1), a(8, "UPDATE", 3, 3), a(9, "UPDATE", 3, 2)));     // out of order, ends present
        audit.put(4L, List.of(a(10, "INSERT", 4, 3), a(11, "DELETE", 4, 3), a(12, "INSERT", 4, 3))); // a replay after the delete
        audit.put(5L, List.of(a(13, "INSERT", 5, 1), a(14, "INSERT", 5, 1)));                         // inserted twice
        List<String> v = new ArrayList<>(h.checkAudit(audit, table(item(3).withRev(2), item(4).withRev(3), item(5))));
        assertThat(v).noneMatch(s -> s.startsWith("id 1:"));
        assertThat(v).anyMatch(s -> s.startsWith("id 2: audit row #5 UPDATE rev 2") && s.contains("applied twice"));
        assertThat(v).anyMatch(s -> s.startsWith("id 3: audit row #9 UPDATE rev 2") && s.contains("rev 2 applied after rev 3 (out of order)"));
        assertThat(v).anyMatch(s -> s.startsWith("id 4: audit row #12 INSERT rev 3") && s.contains("after the row was deleted"));
        assertThat(v).anyMatch(s -> s.startsWith("id 5: audit row #14 INSERT rev 1") && s.contains("applied twice"));
        assertThat(v).anyMatch(s -> s.startsWith("id 5: audit row #14 INSERT rev 1") && s.contains("an INSERT of a row that existed"));

        List<String> missing = h.checkAudit(Map.of(1L, List.of(a(1, "INSERT", 1, 1))), table());
        assertThat(missing).containsExactly("id 1: the audit trail [#1 INSERT rev 1 (tx 1)] ends in rev 1 but the table has absent");
    }
}
