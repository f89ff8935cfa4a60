package io.khora.server;

import io.khora.SpaceException;
import io.khora.NoLeaderException;
import io.khora.OutcomeUnknownException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The register checker on made-up histories (times in ms): it accepts linearizable reads and names stale, invented, lost ones. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RegisterHistoryTest {
    private final RegisterHistory h = new RegisterHistory(Map.of("k", 7), 0);

    private static long ms(long ms) {
        return ms * 1_000_000;
    }

    private void put(long value, long from, long to, RuntimeException error) {
        h.put("k", value, ms(from), ms(to), error);
    }

    private void read(long from, long to, Long value) {
        h.read("k", "c", ms(from), ms(to), value == null ? null : new Register("k", 7, value));
    }

    private static Map<String, Register> fin(long value) {
        return Map.of("k", new Register("k", 7, value));
    }

    @Test
    void readsOfTheLatestAcknowledgedValueOrOfAConcurrentPutAreLinearizable() {
        put(1, 0, 10, null);
        read(11, 12, 1L);
        put(2, 20, 30, null);
        read(25, 26, 1L); // concurrent with put 2: either value
        read(27, 28, 2L);
        read(31, 32, 2L);
        put(3, 40, 50, new OutcomeUnknownException("timed out", null));
        read(60, 61, 3L); // an unknown put may have been applied
        read(5, 6, null); // before the first acknowledgement: nothing is fine
        assertThat(h.check(fin(3)).all()).isEmpty();
    }

    @Test
    void aReadBelowAValueAcknowledgedBeforeItBeganIsStale() {
        put(1, 0, 10, null);
        put(2, 20, 30, null);
        read(31, 32, 1L);
        read(33, 34, null);
        Verdict v = h.check(fin(2));
        assertThat(v.count(Verdict.Kind.STALE)).isEqualTo(2);
        assertThat(v.all()).contains("STALE: c: 2 stale reads of 1 keys from 31 to 34 ms, values up to 23 ms old")
                .anyMatch(s -> s.contains("returned 1; value 2 was acknowledged at 30 ms"));
    }

    @Test
    void aReadBelowWhatAnEarlierReadReturnedIsStaleEvenIfThatPutIsUnacknowledged() {
        put(1, 0, 10, null);
        put(2, 20, 90, new OutcomeUnknownException("timed out", null));
        read(30, 31, 2L);
        read(40, 41, 1L);
        assertThat(h.check(fin(2)).count(Verdict.Kind.STALE)).isEqualTo(1);
    }

    @Test
    void aValueNeverPutOrPutAfterTheReadEndedIsInvented() {
        put(1, 0, 10, null);
        put(2, 20, 30, null);
        read(11, 12, 5L);
        read(13, 14, 2L);
        Verdict v = h.check(fin(2));
        assertThat(v.count(Verdict.Kind.INVENTED)).isEqualTo(2);
        assertThat(h.check(fin(9)).count(Verdict.Kind.INVENTED)).isEqualTo(3);
    }

    @Test
    void aValueWhosePutFailedAsNotAppliedMustNeverBeSeen() {
        put(1, 0, 10, null);
        put(2, 20, 30, new NoLeaderException("s", 0, "test"));
        read(40, 41, 2L);
        Verdict v = h.check(fin(2));
        assertThat(v.count(Verdict.Kind.FAILED_BUT_APPLIED)).isEqualTo(1);
        assertThat(v.all()).singleElement().asString().contains("put(k, 2)").contains("NoLeaderException");
    }

    @Test
    void aPutThatFailedAsAppliedCountsAsAcknowledged() {
        put(1, 0, 10, null);
        put(2, 20, 30, new SpaceException("the write is committed on a majority of space 's' partition 0 but not every replica"
                + " confirmed it within PT5S"));
        read(40, 41, 1L);
        assertThat(h.check(fin(2)).count(Verdict.Kind.STALE)).isEqualTo(1);
        assertThat(h.check(fin(1)).count(Verdict.Kind.LOST)).isEqualTo(1);
    }

    @Test
    void aFinalValueBelowTheHighestAcknowledgedOrReadIsLost() {
        put(1, 0, 10, null);
        put(2, 20, 30, null);
        assertThat(h.check(fin(1)).count(Verdict.Kind.LOST)).isEqualTo(1);
        assertThat(h.check(Map.of()).count(Verdict.Kind.LOST)).isEqualTo(1);
        put(3, 40, 50, new OutcomeUnknownException("timed out", null));
        read(60, 61, 3L);
        assertThat(h.check(fin(2)).count(Verdict.Kind.LOST)).isEqualTo(1);
        assertThat(h.check(null).all()).as("without final values only the reads are checked").isEmpty();
    }
}
