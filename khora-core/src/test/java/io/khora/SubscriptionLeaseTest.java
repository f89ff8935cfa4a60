package io.khora;

import io.khora.fixtures.Trade;
import io.khora.testing.EventRecorder;
import io.khora.testing.ManualScheduler;
import io.khora.testing.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.khora.SpaceEventType.TAKE;
import static io.khora.SpaceEventType.UPDATE;
import static io.khora.SpaceEventType.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * JavaSpaces' notify: a subscription has a lease (it ends at expiry unless renewed, on the space's
 * injected time, no sleeping), and a listener registered under a transaction sees the transaction's
 * own changes as they are made, until the transaction ends.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SubscriptionLeaseTest {
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final Set<SpaceEventType> ALL = EnumSet.allOf(SpaceEventType.class);

    private ManualTicker ticker;
    private ManualScheduler scheduler;
    private Space space;

    @BeforeEach
    void start() {
        ticker = new ManualTicker(1_000_000L);
        scheduler = new ManualScheduler(ticker);
        space = Spaces.embedded("subscription-lease").partitions(2).ticker(ticker).scheduler(scheduler).start();
    }

    @AfterEach
    void stop() {
        space.close();
    }

    @Test
    void aSubscriptionEndsWhenItsLeaseExpiresAndTheListenerIsTold() {
        EventRecorder<Trade> leased = new EventRecorder<>();
        EventRecorder<Trade> forever = new EventRecorder<>();
        EventRegistration r = space.subscribe(Query.all(Trade.class), ALL, leased, Lease.ofMillis(1_000));
        space.subscribe(Query.all(Trade.class), ALL, forever);
        assertThat(r.expiresAt()).isEqualTo(1_001_000L);
        space.write(new Trade(1, "A", 1.0, 1));
        leased.awaitCount(1, BOUND);

        ticker.advance(1_000);
        scheduler.runDue();
        assertThat(leased.awaitTermination(BOUND)).hasMessageContaining("lease expired");
        assertThat(r.isActive()).isFalse();
        space.write(new Trade(2, "A", 1.0, 1));
        forever.awaitCount(2, BOUND);
        assertThat(leased.events()).extracting(e -> e.id()).containsExactly(1L);
        assertThatThrownBy(() -> r.renew(Lease.ofMillis(10))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("subscribe again");
    }

    @Test
    void anExpiredLeaseEndsTheSubscriptionBeforeTheNextEventEvenIfItsTimerHasNotRun() {
        EventRecorder<Trade> leased = new EventRecorder<>();
        EventRegistration r = space.subscribe(Query.all(Trade.class), ALL, leased, Lease.ofMillis(500));
        ticker.advance(500); // no runDue: the timer has not fired
        space.write(new Trade(1, "A", 1.0, 1));
        leased.awaitTermination(BOUND);
        assertThat(leased.events()).isEmpty();
        assertThat(r.isActive()).isFalse();
    }

    @Test
    void aRenewedLeaseCountsFromTheRenewalAndCloseCancelsIt() {
        EventRecorder<Trade> leased = new EventRecorder<>();
        EventRegistration r = space.subscribe(Query.all(Trade.class), ALL, leased, Lease.ofMillis(1_000));
        ticker.advance(900);
        r.renew(Lease.ofMillis(1_000));
        assertThat(r.expiresAt()).isEqualTo(1_001_900L);
        ticker.advance(900);
        scheduler.runDue();
        assertThat(r.isActive()).as("renewed: alive past its first expiry").isTrue();
        space.write(new Trade(1, "A", 1.0, 1));
        leased.awaitCount(1, BOUND);
        r.close();
        assertThat(r.isActive()).isFalse();
        assertThat(scheduler.runDue()).as("closing cancelled the expiry timer").isZero();
        assertThat(leased.terminations()).as("a closed registration is not told it expired").isEmpty();
        assertThatThrownBy(() -> space.subscribe(Query.all(Trade.class), ALL, leased, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("lease");
    }

    @Test
    void aListenerRegisteredUnderATransactionSeesTheTransactionsOwnChangesUntilItEnds() {
        space.write(new Trade(5, "B", 5.0, 5));
        EventRecorder<Trade> outside = new EventRecorder<>();
        space.subscribe(Query.all(Trade.class), ALL, outside);
        EventRecorder<Trade> inside = new EventRecorder<>();
        try (Transaction tx = space.beginTransaction()) {
            EventRegistration r = tx.space().subscribe(Query.of(Trade.class, "symbol = ?", "A"), ALL, inside, Lease.FOREVER);
            tx.space().write(new Trade(1, "A", 1.0, 1));
            tx.space().write(new Trade(1, "A", 2.0, 1));
            tx.space().write(new Trade(2, "Z", 1.0, 1)); // does not match the listener's query
            tx.space().takeById(Trade.class, 1L);
            inside.awaitCount(3, BOUND);
            assertThat(inside.events()).extracting(e -> e.type(), e -> e.id()).containsExactly(tuple(WRITE, 1L), tuple(UPDATE, 1L), tuple(TAKE, 1L));
            tx.space().write(new Trade(3, "A", 3.0, 3));
            inside.awaitCount(4, BOUND);
            tx.commit();
            assertThat(r.isActive()).as("the registration ends with its transaction").isFalse();
        }
        outside.awaitCount(2, BOUND); // the commit: WRITEs of 2 and 3, seen by everyone once committed
        space.write(new Trade(4, "A", 4.0, 4));
        outside.awaitCount(3, BOUND);
        assertThat(inside.events()).extracting(e -> e.id()).as("nothing after the transaction ended, nothing twice")
                .containsExactly(1L, 1L, 1L, 3L);
    }
}
