package io.khora.internal.outbox;

import static io.khora.internal.outbox.LogTesting.readAll;
import static io.khora.internal.outbox.LogTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.khora.internal.outbox.SegmentLog.Options;
import io.khora.internal.outbox.SegmentLog.SyncPolicy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SegmentLogConcurrencyTest {
    private static final int THREADS = 8;

    @TempDir
    Path dir;

    private static byte[] payload(int thread, int i) {
        return ("t" + thread + ":" + i + ":" + "p".repeat(i % 23)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code perThread} appends on each of {@link #THREADS} threads (every third step a batch
     * of three); returns, per sequence, the payload text its append call was told about.
     */
    private static Map<Long, String> appendConcurrently(SegmentLog log, int perThread, boolean syncEachStep) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        Map<Long, String> acknowledged = new ConcurrentHashMap<>();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    int i = 0;
                    while (i < perThread) {
                        if (i % 3 == 0 && i + 3 <= perThread) {
                            List<byte[]> batch = List.of(payload(thread, i), payload(thread, i + 1), payload(thread, i + 2));
                            long last = log.append(batch);
                            for (int k = 0; k < 3; k++) {
                                acknowledged.put(last - 2 + k, text(batch.get(k)));
                            }
                            i += 3;
                        } else {
                            byte[] p = payload(thread, i);
                            acknowledged.put(log.append(p), text(p));
                            i++;
                        }
                        if (syncEachStep) {
                            log.sync();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(100, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return acknowledged;
    }

    /** Every payload exactly once, sequences dense 1..N, each thread's records in its own order. */
    private static void assertComplete(List<LogRecord> records, int perThread, Map<Long, String> acknowledged) {
        int n = THREADS * perThread;
        assertThat(records).hasSize(n);
        Map<Integer, Integer> nextPerThread = new HashMap<>();
        for (int i = 0; i < n; i++) {
            LogRecord r = records.get(i);
            assertThat(r.sequence()).isEqualTo(i + 1L);
            String s = text(r.payload());
            assertThat(acknowledged.get(r.sequence())).as("the payload append() returned sequence %d for", r.sequence())
                    .isEqualTo(s);
            String[] parts = s.split(":");
            int thread = Integer.parseInt(parts[0].substring(1));
            int index = Integer.parseInt(parts[1]);
            int expected = nextPerThread.getOrDefault(thread, 0);
            assertThat(index).as("thread %d's records in order, none lost or twice", thread).isEqualTo(expected);
            nextPerThread.put(thread, expected + 1);
        }
        assertThat(nextPerThread).hasSize(THREADS).allSatisfy((t, count) -> assertThat(count).isEqualTo(perThread));
    }

    @Test
    void eightThreadsAppendEveryPayloadExactlyOnce() throws Exception {
        int perThread = 5_000;
        try (SegmentLog log = SegmentLog.open(dir, new Options(64 * 1024, SyncPolicy.ON_SYNC))) {
            Map<Long, String> acknowledged = appendConcurrently(log, perThread, false);
            log.sync();
            assertThat(log.lastSequence()).isEqualTo(THREADS * perThread);
            assertComplete(readAll(log, 1), perThread, acknowledged);
            log.close();
            try (SegmentLog again = SegmentLog.open(dir, new Options(64 * 1024, SyncPolicy.ON_SYNC))) {
                assertComplete(readAll(again, 1), perThread, acknowledged);
            }
        }
    }

    @Test
    void groupCommitUnderEveryAppend() throws Exception {
        int perThread = 300;
        try (SegmentLog log = SegmentLog.open(dir, new Options(16 * 1024, SyncPolicy.EVERY_APPEND))) {
            Map<Long, String> acknowledged = appendConcurrently(log, perThread, false);
            assertThat(log.committedSequence()).isEqualTo(THREADS * perThread);
            assertComplete(readAll(log, 1), perThread, acknowledged);
        }
    }

    @Test
    void aTailingReaderSeesEveryRecordOnceInOrderWhileWritersAppendAndAcknowledgedSegmentsGo() throws Exception {
        int perThread = 2_000;
        int n = THREADS * perThread;
        try (SegmentLog log = SegmentLog.open(dir, new Options(8 * 1024, SyncPolicy.ON_SYNC))) {
            List<LogRecord> seen = new ArrayList<>();
            AtomicBoolean readerFailed = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try (SegmentReader r = log.read(1)) {
                    while (seen.size() < n) {
                        LogRecord record = r.next(30, TimeUnit.SECONDS);
                        if (record == null) {
                            readerFailed.set(true);
                            return;
                        }
                        seen.add(record);
                        if (record.sequence() % 500 == 0) {
                            log.truncateBefore(record.sequence() + 1); // acknowledge what was consumed
                        }
                    }
                } catch (Throwable t) {
                    readerFailed.set(true);
                    throw new AssertionError(t);
                }
            }, "tailing-reader");
            reader.start();
            Map<Long, String> acknowledged = appendConcurrently(log, perThread, true);
            reader.join(60_000);
            assertThat(reader.isAlive()).isFalse();
            assertThat(readerFailed).isFalse();
            assertComplete(seen, perThread, acknowledged);
            assertThat(log.firstSequence()).as("consumed segments were deleted").isGreaterThan(1);
        }
    }
}
