package io.khora.server;

import io.khora.SpaceException;
import io.khora.NoLeaderException;
import io.khora.OutcomeUnknownException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The entry checker on made-up histories: each invariant's violation is found and counted under its name. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HistoryTest {
    private final History h = new History();

    private Item written(int seq) {
        Item i = new Item(Item.idOf(1, seq), seq, 1, seq);
        h.attempt(i);
        h.acknowledged(i);
        return i;
    }

    private Item failed(int seq, RuntimeException e) {
        Item i = new Item(Item.idOf(1, seq), seq, 1, seq);
        h.attempt(i);
        h.maybe(i, e);
        return i;
    }

    @Test
    void everyAcknowledgedWritePresentOrTakenOnceIsClean() {
        Item a = written(0);
        Item b = written(1);
        h.tookItems(2, "take", List.of(b), 1, System.nanoTime());
        assertThat(h.check(List.of(a)).all()).isEmpty();
    }

    @Test
    void aMissingAcknowledgedWriteIsLostUnlessATakeWithUnknownOutcomeCouldHaveTakenIt() {
        written(0);
        assertThat(h.check(List.of()).count(Verdict.Kind.LOST)).isEqualTo(1);
        h.takeUnknown(2, "take", 1, System.nanoTime(), new OutcomeUnknownException("timed out", null));
        assertThat(h.check(List.of()).all()).isEmpty();
    }

    @Test
    void aMissingWriteOnlyATakeThatFailedAsNotAppliedCouldHaveTakenIsFailedButApplied() {
        written(0);
        written(1);
        h.takeUnknown(2, "take", 1, System.nanoTime(), new NoLeaderException("s", 0, "test"));
        Verdict v = h.check(List.of());
        assertThat(v.count(Verdict.Kind.FAILED_BUT_APPLIED)).isEqualTo(1);
        assertThat(v.count(Verdict.Kind.LOST)).isEqualTo(1);
    }

    @Test
    void aWriteThatFailedAsNotAppliedMustBeNeitherPresentNorTaken() {
        Item a = failed(0, new NoLeaderException("s", 0, "test"));
        Item b = failed(1, new NoLeaderException("s", 0, "test"));
        Item c = failed(2, new OutcomeUnknownException("timed out", null));
        h.tookItems(2, "take", List.of(b), 1, System.nanoTime());
        Verdict v = h.check(List.of(a, c));
        assertThat(v.count(Verdict.Kind.FAILED_BUT_APPLIED)).isEqualTo(2);
        assertThat(v.all()).hasSize(2);
    }

    @Test
    void aWriteThatFailedAsAppliedMustBePresentOrTakenLikeAnAcknowledgedOne() {
        Item a = failed(0, new SpaceException("the write is committed on a majority of space 's' partition 0 but not every replica"
                + " confirmed it within PT5S"));
        assertThat(h.check(List.of()).count(Verdict.Kind.LOST)).isEqualTo(1);
        assertThat(h.check(List.of(a)).all()).isEmpty();
    }

    @Test
    void anEntryTakenTwiceOrTakenAndStillThereIsDoubled() {
        Item a = written(0);
        Item b = written(1);
        h.tookItems(2, "take", List.of(a), 1, System.nanoTime());
        h.tookItems(3, "take", List.of(a, b), 4, System.nanoTime());
        assertThat(h.check(List.of(b)).count(Verdict.Kind.DOUBLED)).isEqualTo(2);
    }

    @Test
    void anEntryNeverWrittenOrWithOtherContentIsInvented() {
        Item a = written(0);
        written(1);
        Item other = new Item(Item.idOf(1, 1), 99, 1, 1);
        Item stranger = new Item(Item.idOf(7, 0), 0, 7, 0);
        h.tookItems(2, "take", List.of(other), 1, System.nanoTime());
        assertThat(h.check(List.of(a, stranger)).count(Verdict.Kind.INVENTED)).isEqualTo(2);
    }

    @Test
    void aWriteOverEveryNodesLimitMustNeverBeAppliedWhateverItsOutcome() {
        Item refused = failed(0, new io.khora.SizeLimitExceededException("too big", 2, 1));
        Item unknown = failed(1, new OutcomeUnknownException("timed out", null));
        Item acknowledged = written(2);
        h.overLimit(refused);
        h.overLimit(unknown);
        h.overLimit(acknowledged);
        assertThat(h.check(List.of()).count(Verdict.Kind.LOST)).as("only the acknowledged one is missed").isEqualTo(1);
        Verdict v = h.check(List.of(refused, unknown, acknowledged));
        assertThat(v.count(Verdict.Kind.FAILED_BUT_APPLIED)).isEqualTo(1);
        assertThat(v.count(Verdict.Kind.OTHER)).isEqualTo(2);
    }

    @Test
    void anEntryWhosePayloadWasCutOrIsAnothersIsInvented() {
        Item a = Item.sized(1, 0, 0, 1000);
        Item b = Item.sized(1, 1, 0, 1000);
        for (Item i : List.of(a, b)) {
            h.attempt(i);
            h.acknowledged(i);
        }
        Item cut = new Item(a.id(), 0, 1, 0, java.util.Arrays.copyOf(a.payload(), 999));
        Item swapped = new Item(b.id(), 0, 1, 1, a.payload());
        h.tookItems(2, "takeMultiple", List.of(swapped), 4, System.nanoTime());
        assertThat(h.check(List.of(cut)).count(Verdict.Kind.INVENTED)).isEqualTo(2);
    }
}
