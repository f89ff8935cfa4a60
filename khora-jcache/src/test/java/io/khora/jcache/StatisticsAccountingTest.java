package io.khora.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.khora.jcache.StatisticsAccounting.Timer;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class StatisticsAccountingTest {
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicBoolean enabled = new AtomicBoolean(true);
    private final CacheStatistics statistics = new CacheStatistics();
    private final StatisticsAccounting accounting = new StatisticsAccounting(statistics, enabled::get, nanos::get);

    @Test
    void aStepsDecisionsAreCountedAsHitsMissesPutsAndRemovals() {
        accounting.count(2, 1, 3, 4);
        accounting.hit();
        accounting.miss();
        assertThat(statistics.getCacheHits()).isEqualTo(3);
        assertThat(statistics.getCacheMisses()).isEqualTo(2);
        assertThat(statistics.getCachePuts()).isEqualTo(3);
        assertThat(statistics.getCacheRemovals()).isEqualTo(4);
    }

    @Test
    void aGetAndPutCountsItsTimeAsBothAGetAndAPut() {
        accounting.count(1, 0, 1, 0);
        long start = accounting.start();
        nanos.addAndGet(4_000);
        accounting.timed(Timer.GET_AND_PUT, start);
        assertThat(statistics.getAverageGetTime()).isEqualTo(4f);
        assertThat(statistics.getAveragePutTime()).isEqualTo(4f);
        assertThat(statistics.getAverageRemoveTime()).isZero();
    }

    @Test
    void nothingIsCountedWhileStatisticsAreDisabled() {
        enabled.set(false);
        accounting.count(1, 1, 1, 1);
        accounting.hit();
        long start = accounting.start();
        nanos.addAndGet(1_000);
        accounting.timed(Timer.GET_AND_REMOVE, start);
        assertThat(statistics.getCacheGets()).isZero();
        assertThat(statistics.getCachePuts()).isZero();
        assertThat(statistics.getCacheRemovals()).isZero();
        enabled.set(true);
        accounting.count(1, 0, 0, 1);
        accounting.timed(Timer.GET_AND_REMOVE, start);
        assertThat(statistics.getAverageRemoveTime()).isEqualTo(1f);
    }
}
