package io.khora.cassandra;

import io.khora.ClusterInfo;
import io.khora.persistence.Partitioning;
import io.khora.persistence.DataIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** One scan for all partitions: each row read once and handed to its router partition; a retry reads on its own. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedInitialLoadTest {
    static final List<Object> ROWS = LongStream.rangeClosed(-5_000, 5_000).boxed().map(Object.class::cast).toList();

    @Test
    void fourPartitionsShareOneScanAndEachGetsExactlyItsRows() throws Exception {
        AtomicInteger scans = new AtomicInteger();
        SharedInitialLoad load = new SharedInitialLoad(() -> {
            scans.incrementAndGet();
            return DataIterator.of(ROWS);
        }, row -> row, Duration.ofSeconds(30), 16, true);
        List<DataIterator<Object>> opened = new ArrayList<>();
        for (int p = 1; p <= 4; p++) {
            opened.add(load.open(new ClusterInfo(4, p, 0)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Object>>> parts = new ArrayList<>();
            for (DataIterator<Object> it : opened) {
                parts.add(pool.submit(() -> drain(it)));
            }
            List<Object> all = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                List<Object> mine = parts.get(p).get(30, TimeUnit.SECONDS);
                int partition = p;
                assertThat(mine).allMatch(r -> Partitioning.partitionOf(r, 4) == partition);
                all.addAll(mine);
            }
            assertThat(all).containsExactlyInAnyOrderElementsOf(ROWS);
            assertThat(scans.get()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPartitionAskingAgainWhileTheSharedScanRunsReadsTheTableOnItsOwn() {
        AtomicInteger scans = new AtomicInteger();
        SharedInitialLoad load = new SharedInitialLoad(() -> {
            scans.incrementAndGet();
            return DataIterator.of(ROWS);
        }, row -> row, Duration.ofSeconds(30), 16, true);
        List<DataIterator<Object>> opened = new ArrayList<>();
        for (int p = 1; p <= 4; p++) {
            opened.add(load.open(new ClusterInfo(4, p, 0)));
        }
        assertThat(opened.get(0).hasNext()).as("the shared scan began").isTrue(); // nobody drains: the scan stays blocked
        List<Object> again = drain(load.open(new ClusterInfo(4, 2, 0))); // a retry of partition 2
        assertThat(again).allMatch(r -> Partitioning.partitionOf(r, 4) == 1)
                .hasSize((int) ROWS.stream().filter(r -> Partitioning.partitionOf(r, 4) == 1).count());
        assertThat(scans.get()).isEqualTo(2);
        opened.forEach(DataIterator::close);
    }

    @Test
    void unsharedEachPartitionScansTheWholeTable() {
        AtomicInteger scans = new AtomicInteger();
        SharedInitialLoad load = new SharedInitialLoad(() -> {
            scans.incrementAndGet();
            return DataIterator.of(ROWS);
        }, row -> row, Duration.ofSeconds(30), 16, false);
        int total = 0;
        for (int p = 1; p <= 4; p++) {
            total += drain(load.open(new ClusterInfo(4, p, 0))).size();
        }
        assertThat(total).isEqualTo(ROWS.size());
        assertThat(scans.get()).isEqualTo(4);
    }

    private static List<Object> drain(DataIterator<Object> it) {
        List<Object> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
