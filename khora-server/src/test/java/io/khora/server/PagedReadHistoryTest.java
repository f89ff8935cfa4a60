package io.khora.server;

import io.khora.NoLeaderException;
import io.khora.OutcomeUnknownException;
import io.khora.SizeLimitExceededException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The paged-read checker on made-up histories (times in ms): what each read must and must not return follows from the writer's calls. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PagedReadHistoryTest {
    private static final int SIZE = 1000;
    private final PagedReadHistory h = new PagedReadHistory(0);

    private static long ms(long ms) {
        return ms * 1_000_000;
    }

    private static Ballast b(int seq) {
        return Ballast.of(seq, 3, SIZE);
    }

    private Ballast written(int seq, long from, long to) {
        h.written(b(seq), SIZE, ms(from), ms(to));
        return b(seq);
    }

    private void read(long from, long to, Ballast... got) {
        h.read("r", ms(from), ms(to), List.of(got));
    }

    @Test
    void readsThatReturnWhatWasAcknowledgedAndNotYetTakenAreClean() {
        Ballast a = written(0, 0, 10);
        Ballast b = written(1, 20, 30);
        read(11, 15, a);
        read(25, 26, a); // b's write is concurrent: may be missing ...
        read(27, 28, a, b); // ... or there
        h.removed(a.id(), ms(40), ms(50), a);
        read(45, 46, a, b); // a's take is concurrent
        read(47, 48, b);
        read(51, 52, b);
        assertThat(h.check(List.of(b)).all()).isEmpty();
    }

    @Test
    void aReadMissingAnAcknowledgedEntryNobodyTookIsStale() {
        written(0, 0, 10);
        Ballast b = written(1, 0, 10);
        read(11, 12, b);
        Verdict v = h.check(List.of(b(0), b));
        assertThat(v.count(Verdict.Kind.STALE)).isEqualTo(1);
        assertThat(v.all()).hasSize(1).allMatch(s -> s.contains("did not return b-000000"));
    }

    @Test
    void aReadReturningAnEntryTakenBeforeItBeganIsStale() {
        Ballast a = written(0, 0, 10);
        h.removed(a.id(), ms(20), ms(30), a);
        read(31, 32, a);
        assertThat(h.check(List.of()).count(Verdict.Kind.STALE)).isEqualTo(1);
    }

    @Test
    void aReadReturningAnEntryTwiceNeverWrittenOrNotItsOwnIsDoubledOrInvented() {
        Ballast a = written(0, 0, 10);
        read(11, 12, a, a);
        assertThat(h.check(List.of(a)).count(Verdict.Kind.DOUBLED)).isEqualTo(1);

        PagedReadHistory g = new PagedReadHistory(0);
        g.written(a, SIZE, 0, ms(10));
        Ballast cut = new Ballast(a.id(), 3, 0, java.util.Arrays.copyOf(a.payload(), SIZE / 2));
        Ballast spliced = new Ballast(a.id(), 3, 0, Payloads.of("b-000009", SIZE));
        g.read("r", ms(11), ms(12), List.of(cut));
        g.read("r", ms(13), ms(14), List.of(spliced));
        g.read("r", ms(15), ms(16), List.of(a, b(5)));
        assertThat(g.check(List.of(a)).count(Verdict.Kind.INVENTED)).isEqualTo(3);
    }

    @Test
    void anEntryWhoseWriteFailedAsNotAppliedMustNeverBeRead() {
        h.writeFailed(b(0), SIZE, 0, ms(10), new SizeLimitExceededException("too big", 2, 1));
        read(11, 12, b(0));
        Verdict v = h.check(List.of(b(0)));
        assertThat(v.count(Verdict.Kind.FAILED_BUT_APPLIED)).isEqualTo(2);
    }

    @Test
    void anEntryWhoseWriteOutcomeIsUnknownMayBeReadOrNot() {
        h.writeFailed(b(0), SIZE, 0, ms(10), new OutcomeUnknownException("timed out", null));
        read(11, 12, b(0));
        read(13, 14);
        assertThat(h.check(List.of()).all()).isEmpty();
    }

    @Test
    void anAcknowledgedEntryGoneWithoutATakeThatMayHaveTakenItIsLost() {
        written(0, 0, 10);
        written(1, 0, 10);
        written(2, 0, 10);
        h.removed(b(1).id(), ms(20), ms(30), null); // found nothing, and nothing may have taken it before
        h.removeFailed(b(2).id(), ms(20), ms(30), new OutcomeUnknownException("timed out", null));
        h.removed(b(2).id(), ms(40), ms(50), null); // the unknown take may have taken it
        Verdict v = h.check(List.of());
        assertThat(v.count(Verdict.Kind.LOST)).isEqualTo(2);
        assertThat(v.all()).hasSize(2).noneMatch(s -> s.contains("b-000002"));
    }

    @Test
    void aTakeThatFailedAsNotAppliedLeavesTheEntryRequired() {
        Ballast a = written(0, 0, 10);
        h.removeFailed(a.id(), ms(20), ms(30), new NoLeaderException("s", 0, "test"));
        read(31, 32);
        Verdict v = h.check(List.of());
        assertThat(v.count(Verdict.Kind.FAILED_BUT_APPLIED)).isEqualTo(2);
        assertThat(h.check(List.of(a)).count(Verdict.Kind.FAILED_BUT_APPLIED)).isEqualTo(1);
    }

    @Test
    void anEntryTakenAndStillThereIsDoubled() {
        Ballast a = written(0, 0, 10);
        h.removed(a.id(), ms(20), ms(30), a);
        assertThat(h.check(List.of(a)).count(Verdict.Kind.DOUBLED)).isEqualTo(1);
    }

    @Test
    void readsOverABudgetAreCounted() {
        Ballast a = written(0, 0, 10);
        Ballast b = written(1, 0, 10);
        read(11, 12, a);
        read(13, 14, a, b);
        assertThat(h.readsOver(SIZE)).isEqualTo(1);
        assertThat(h.largestRead()).isEqualTo(2L * SIZE);
    }
}
