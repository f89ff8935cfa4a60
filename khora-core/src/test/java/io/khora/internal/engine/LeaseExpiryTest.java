package io.khora.internal.engine;

import io.khora.EntryNotFoundException;
import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.testing.ManualScheduler;

import org.junit.jupiter.api.Test;

import static io.khora.internal.engine.EngineFixture.ITEM;
import static io.khora.internal.engine.EngineFixture.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Leases: an expired entry is never seen, and is removed once, by the sweep or the mutation that meets it. */
class LeaseExpiryTest {
    private final EngineFixture f = new EngineFixture();
    private final ManualScheduler scheduler = new ManualScheduler(f.ticker);

    private void writeLeased(String id, long millis) {
        f.engine.write(ITEM, item(id, "x", 1), Lease.ofMillis(millis), WriteMode.UPDATE_OR_WRITE);
    }

    /** Schedules the sweep at the partition's next expiry, as the space's sweeper does. */
    private void scheduleSweep() {
        scheduler.schedule(f.engine::sweep, f.engine.nextExpiry() - f.ticker.millis());
    }

    @Test
    void aWriteWithAnExpiredLeaseIsSweptAtItsDeadline() {
        writeLeased("a", 500);
        scheduleSweep();

        f.ticker.advance(499);
        assertThat(scheduler.runDue()).isZero();
        assertThat(f.read("a")).isNotNull();

        f.ticker.advance(1);
        assertThat(scheduler.runDue()).isEqualTo(1);
        assertThat(f.engine.size()).isZero();
        assertThat(f.engine.expiredCount()).isEqualTo(1);
        assertThat(f.engine.nextExpiry()).isEqualTo(Long.MAX_VALUE);
        assertThat(f.events).containsExactly("WRITE a", "EXPIRE a");
    }

    @Test
    void anExpiredEntryIsInvisibleBeforeTheSweepAndExpiresOnceWhenAWriteMeetsIt() {
        writeLeased("a", 100);
        f.ticker.advance(100);

        assertThat(f.read("a")).isNull();
        assertThat(f.engine.count(EngineFixture.all())).isZero();
        PartitionEngine.WriteResult r = f.engine.write(ITEM, item("a", "x", 2), Lease.FOREVER, WriteMode.WRITE_ONLY);

        assertThat(r.created()).isTrue();
        assertThat(f.engine.sweep()).isZero();
        assertThat(f.events).containsExactly("WRITE a", "EXPIRE a", "WRITE a");
    }

    @Test
    void aRenewedLeaseMovesTheDeadline() {
        writeLeased("a", 100);
        f.ticker.advance(50);

        assertThat(f.engine.renew(ITEM, "a", Lease.ofMillis(100))).isEqualTo(f.ticker.millis() + 100);
        f.ticker.advance(60);
        assertThat(f.engine.sweep()).isZero();
        assertThat(f.read("a")).isNotNull();
        f.ticker.advance(40);
        assertThat(f.engine.sweep()).isEqualTo(1);
        assertThatThrownBy(() -> f.engine.renew(ITEM, "a", Lease.ofMillis(100))).isInstanceOf(EntryNotFoundException.class);
    }

    @Test
    void anEntryATransactionHoldsExpiresOnlyOnceItsLockIsReleased() {
        writeLeased("a", 100);
        EngineFixture.Tx tx = f.begin("t1");
        assertThat(f.engine.txReadById(tx.part, ITEM, "a", true)).isNotNull();
        f.ticker.advance(100);

        assertThat(f.engine.sweep()).isZero();
        assertThat(f.engine.expiredCount()).isZero();
        assertThat(f.read("a")).as("expired, though held").isNull();

        f.engine.abort(tx.part, null);

        assertThat(f.engine.expiredCount()).as("the abort releases it, and it expires").isEqualTo(1);
        assertThat(f.engine.sweep()).isZero();
        assertThat(f.events).containsExactly("WRITE a", "EXPIRE a");
    }
}
