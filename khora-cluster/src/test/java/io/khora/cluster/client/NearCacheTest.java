package io.khora.cluster.client;

import io.khora.cluster.raft.StoredEntry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NearCacheTest {
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong millis = new AtomicLong(1_000_000);
    private final NearCache cache = new NearCache(NearCacheOptions.of(100), nanos::get, millis::get);
    private final NearCache.Key key = new NearCache.Key("Order", 2, "o1");

    private static StoredEntry entry(long version) {
        return new StoredEntry("Order", new Object[] {"o1", version}, version, Long.MAX_VALUE);
    }

    @Test
    void aPopulatedMissIsAHitNextTime() {
        assertThat(cache.get(key)).isNull();
        cache.populate(cache.ticket(key, () -> true), entry(1));
        assertThat(cache.get(key)).isEqualTo(entry(1));
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
    }

    @Test
    void aMissOfAnUnwatchedPartitionIsNotCached() {
        NearCache.Ticket t = cache.ticket(key, () -> false);
        assertThat(t).isNull();
        cache.populate(t, entry(1));
        assertThat(cache.get(key)).isNull();
    }

    @Test
    void anAnswerThatRacedWithAnInvalidationIsNotCached() {
        NearCache.Ticket t = cache.ticket(key, () -> true);
        cache.onEvent(key, 2); // the change's event arrives before the (older) answer
        cache.populate(t, entry(1));
        assertThat(cache.get(key)).isNull();
        cache.populate(cache.ticket(key, () -> true), entry(2));
        assertThat(cache.get(key)).isEqualTo(entry(2));
    }

    @Test
    void anAnswerThatRacedWithAClearIsNotCached() {
        NearCache.Ticket t = cache.ticket(key, () -> true);
        cache.clear();
        cache.populate(t, entry(1));
        assertThat(cache.get(key)).isNull();
    }

    @Test
    void anOlderAnswerDoesNotReplaceANewerEntry() {
        NearCache.Ticket slow = cache.ticket(key, () -> true);
        NearCache.Ticket fast = cache.ticket(key, () -> true);
        cache.populate(fast, entry(3));
        cache.populate(slow, entry(2));
        assertThat(cache.get(key).version()).isEqualTo(3);
    }

    @Test
    void anEventOlderThanTheCachedEntryLeavesItAndANewerOneRemovesIt() {
        cache.populate(cache.ticket(key, () -> true), entry(3));
        cache.onEvent(key, 2);
        assertThat(cache.get(key).version()).isEqualTo(3);
        cache.onEvent(key, 3); // e.g. the entry was taken at version 3
        assertThat(cache.get(key)).isNull();
    }

    @Test
    void invalidateForgetsTheEntry() {
        cache.populate(cache.ticket(key, () -> true), entry(1));
        cache.invalidate(key);
        assertThat(cache.get(key)).isNull();
    }

    @Test
    void clearForgetsEveryEntry() {
        NearCache.Key other = new NearCache.Key("Order", 0, "o9");
        cache.populate(cache.ticket(key, () -> true), entry(1));
        cache.populate(cache.ticket(other, () -> true), entry(1));
        cache.clear();
        assertThat(cache.get(key)).isNull();
        assertThat(cache.get(other)).isNull();
    }

    @Test
    void anEntryWhoseLeaseExpiredIsNotReturned() {
        cache.populate(cache.ticket(key, () -> true), new StoredEntry("Order", new Object[] {"o1", 1L}, 1, millis.get() + 500));
        assertThat(cache.get(key)).isNotNull();
        millis.addAndGet(500);
        assertThat(cache.get(key)).isNull();
    }

    @Test
    void anEntryIsDroppedAfterItsTimeToLive() {
        NearCache ttl = new NearCache(NearCacheOptions.of(100).withTimeToLive(Duration.ofSeconds(10)), nanos::get, millis::get);
        ttl.populate(ttl.ticket(key, () -> true), entry(1));
        nanos.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(ttl.get(key)).isNotNull();
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(ttl.get(key)).isNull();
    }

    @Test
    void theSizeIsBounded() {
        NearCache small = new NearCache(NearCacheOptions.of(10), nanos::get, millis::get);
        for (int i = 0; i < 1000; i++) {
            NearCache.Key k = new NearCache.Key("Order", 0, "o" + i);
            small.populate(small.ticket(k, () -> true), entry(1));
        }
        assertThat(small.size()).isLessThanOrEqualTo(10);
    }

    @Test
    void optionsOutsideTheirLimitsAreRefusedNamingTheValueAndTheLimit() {
        assertThatThrownBy(() -> NearCacheOptions.of(0)).hasMessage("near-cache-size must be 1..100000000, got 0");
        assertThatThrownBy(() -> NearCacheOptions.of(NearCacheOptions.MAX_ENTRIES + 1)).hasMessageContaining("got 100000001");
        assertThatThrownBy(() -> NearCacheOptions.of(5).withTimeToLive(Duration.ZERO)).hasMessage("near-cache-ttl must be positive, got PT0S");
    }
}
