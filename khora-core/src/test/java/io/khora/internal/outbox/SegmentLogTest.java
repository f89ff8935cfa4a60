package io.khora.internal.outbox;

import static io.khora.internal.outbox.LogTesting.copyOf;
import static io.khora.internal.outbox.LogTesting.fileSize;
import static io.khora.internal.outbox.LogTesting.payload;
import static io.khora.internal.outbox.LogTesting.readAll;
import static io.khora.internal.outbox.LogTesting.segmentFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.khora.internal.outbox.SegmentLog.Options;
import io.khora.internal.outbox.SegmentLog.SyncPolicy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentLogTest {
    private static final Options SMALL = new Options(512, SyncPolicy.ON_SYNC);

    @TempDir
    Path dir;

    private static void assertDense(List<LogRecord> records, long from, long to) {
        assertThat(records).hasSize((int) (to - from + 1));
        for (int i = 0; i < records.size(); i++) {
            LogRecord r = records.get(i);
            assertThat(r.sequence()).isEqualTo(from + i);
            assertThat(r.payload()).as("payload of %d", r.sequence()).isEqualTo(payload(r.sequence()));
        }
    }

    @Test
    void emptyLog() throws IOException {
        try (SegmentLog log = SegmentLog.open(dir.resolve("new/outbox"), SMALL)) {
            assertThat(log.firstSequence()).isZero();
            assertThat(log.lastSequence()).isZero();
            assertThat(log.committedSequence()).isZero();
            assertThat(readAll(log, 1)).isEmpty();
            assertThat(log.recovery().records()).isZero();
            assertThat(log.recovery().truncated()).isFalse();
            assertThat(segmentFiles(log.directory())).extracting(p -> p.getFileName().toString())
                    .containsExactly("00000000000000000001.seg");
            assertThat(log.sizeOnDisk()).isEqualTo(RecordFormat.SEGMENT_HEADER_BYTES);
            assertThat(log.append(payload(1))).isEqualTo(1);
            assertThat(log.firstSequence()).isEqualTo(1);
        }
    }

    @Test
    void appendAndReadAcrossSegments() throws IOException {
        try (SegmentLog log = SegmentLog.open(dir, SMALL)) {
            for (long i = 1; i <= 500; i++) {
                assertThat(log.append(payload(i))).isEqualTo(i);
            }
            log.sync();
            assertThat(log.lastSequence()).isEqualTo(500);
            assertThat(log.committedSequence()).isEqualTo(500);
            assertThat(log.firstSequence()).isEqualTo(1);
            List<Path> files = segmentFiles(dir);
            assertThat(files).hasSizeGreaterThan(20);
            for (Path f : files.subList(0, files.size() - 1)) {
                assertThat(fileSize(f)).isLessThanOrEqualTo(512);
            }
            assertThat(log.sizeOnDisk()).isEqualTo(files.stream().mapToLong(LogTesting::fileSize).sum());
            assertDense(readAll(log, 1), 1, 500);
            assertDense(readAll(log, 250), 250, 500);
            assertThat(readAll(log, 501)).isEmpty();
        }
    }

    @Test
    void batchesAppendConsecutiveSequencesInOneSegment() throws IOException {
        try (SegmentLog log = SegmentLog.open(dir, SMALL)) {
            log.append(payload(1));
            List<byte[]> batch = new ArrayList<>();
            for (long i = 2; i <= 21; i++) {
                batch.add(payload(i));
            }
            assertThat(log.append(batch)).isEqualTo(21);
            assertThat(log.append(List.of())).isEqualTo(21);
            log.sync();
            assertDense(readAll(log, 1), 1, 21);
            // the batch did not fit after record 1: it went whole into the next segment, even though
            // it is larger than a segment should be
            assertThat(segmentFiles(dir)).extracting(p -> p.getFileName().toString())
                    .containsExactly("00000000000000000001.seg", "00000000000000000002.seg");
            assertThat(fileSize(segmentFiles(dir).get(1))).isGreaterThan(512);
        }
    }

    @Test
    void recordsLargerThanASegmentOrTheBuffersRoundTrip() throws IOException {
        Random random = new Random(7);
        byte[] big = new byte[1_500_000]; // > the 256 KiB write buffer and the 64 KiB read buffer
        random.nextBytes(big);
        byte[] empty = new byte[0];
        try (SegmentLog log = SegmentLog.open(dir, SMALL)) {
            log.append(payload(1));
            log.append(big);
            log.append(empty);
            log.append(List.of(big, empty, big));
            log.sync();
            List<LogRecord> records = readAll(log, 1);
            assertThat(records).extracting(LogRecord::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(records.get(1).payload()).isEqualTo(big);
            assertThat(records.get(2).payload()).isEmpty();
            assertThat(records.get(3).payload()).isEqualTo(big);
            assertThat(records.get(5).payload()).isEqualTo(big);
        }
        try (SegmentLog log = SegmentLog.open(dir, SMALL)) {
            assertThat(log.lastSequence()).isEqualTo(6);
            assertThat(readAll(log, 2).get(0).payload()).isEqualTo(big);
        }
    }

    @Test
    void reopenContinuesSequencesAndReadsEverything() throws IOException {
        try (SegmentLog log = SegmentLog.open(dir, SMALL)) {
            for (long i = 1; i <= 100; i++) {
                log.append(payload(i));
            }
        }
        try (SegmentLog log = SegmentLog.open(dir, SMALL)) {
            assertThat(log.recovery().records()).isEqualTo(100);
            assertThat(log.recovery().lastSequence()).isEqualTo(100);
            assertThat(log.recovery().truncated()).isFalse();
            assertThat(log.firstSequence()).isEqualTo(1);
            assertThat(log.lastSequence()).isEqualTo(100);
            assertThat(log.committedSequence()).isEqualTo(100);
            for (long i = 101; i <= 150; i++) {
                assertThat(log.append(payload(i))).isEqualTo(i);
            }
            log.sync();
            assertDense(readAll(log, 1), 1, 150);
        }
        try (SegmentLog log = SegmentLog.open(dir, SMALL)) {
            assertDense(readAll(log, 1), 1, 150);
        }
    }

    @Test
    void truncateBeforeDeletesOnlyWhollyAcknowledgedSegments() throws IOException {
        try (SegmentLog log = SegmentLog.open(dir, SMALL)) {
            for (long i = 1; i <= 300; i++) {
                log.append(payload(i));
            }
            log.sync();
            List<Path> before = segmentFiles(dir);
            log.truncateBefore(1);
            assertThat(segmentFiles(dir)).isEqualTo(before);

            log.truncateBefore(100);
            long first = log.firstSequence();
            assertThat(first).isBetween(2L, 100L);
            // the segment holding 100 is kept; every deleted one lay entirely below 100
            for (Path p : before) {
                long segmentFirst = RecordFormat.parseFileName(p.getFileName().toString());
                assertThat(p.toFile().exists()).as("%s", p.getFileName()).isEqualTo(segmentFirst >= first);
            }
            assertDense(readAll(log, first), first, 300);
            assertDense(readAll(log, 100), 100, 300);
            assertThatThrownBy(() -> log.read(first - 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("stores sequences " + first + "..300");

            // everything acknowledged: only the active segment stays, with its records
            log.truncateBefore(Long.MAX_VALUE);
            assertThat(segmentFiles(dir)).hasSize(1);
            long activeFirst = log.firstSequence();
            assertDense(readAll(log, activeFirst), activeFirst, 300);
            assertThat(log.append(payload(301))).isEqualTo(301);
        }
        try (SegmentLog log = SegmentLog.open(dir, SMALL)) {
            assertThat(log.lastSequence()).isEqualTo(301);
            assertThat(log.append(payload(302))).isEqualTo(302);
        }
    }

    @Test
    void sequencesSurviveTruncatingEveryRecordAway() throws IOException {
        try (SegmentLog log = SegmentLog.open(dir, new Options(64, SyncPolicy.ON_SYNC))) {
            for (long i = 1; i <= 5; i++) {
                log.append(payload(i)); // each record fills a segment of its own
            }
            assertThat(segmentFiles(dir)).hasSize(5);
            log.truncateBefore(6);
            assertThat(segmentFiles(dir)).hasSize(1);
        }
        // recovery cut the active segment to nothing: its name still says where sequences continue
        Path last = segmentFiles(dir).get(0);
        try (var ch = java.nio.channels.FileChannel.open(last, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(RecordFormat.SEGMENT_HEADER_BYTES);
        }
        try (SegmentLog log = SegmentLog.open(dir, SMALL)) {
            assertThat(log.firstSequence()).isZero();
            assertThat(log.lastSequence()).isEqualTo(4);
            assertThat(readAll(log, 5)).isEmpty();
            assertThatThrownBy(() -> log.read(4)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("stores no record and continues at 5");
            assertThat(log.append(payload(5))).isEqualTo(5);
            log.sync();
            assertDense(readAll(log, 5), 5, 5);
        }
    }

    @Test
    void onSyncMakesRecordsVisibleAndDurableAtSync() throws IOException {
        try (SegmentLog log = SegmentLog.open(dir, new Options(1 << 20, SyncPolicy.ON_SYNC));
             SegmentReader reader = log.read(1)) {
            for (long i = 1; i <= 10; i++) {
                log.append(payload(i));
            }
            assertThat(log.lastSequence()).isEqualTo(10);
            assertThat(log.committedSequence()).as("not synced yet").isZero();
            assertThat(reader.next()).as("readers see only committed records").isNull();
            log.sync();
            assertThat(log.committedSequence()).isEqualTo(10);
            List<LogRecord> seen = new ArrayList<>();
            for (LogRecord r = reader.next(); r != null; r = reader.next()) {
                seen.add(r);
            }
            assertDense(seen, 1, 10);
            // what a crash of the process would leave: a fresh open of a copy has every synced record
            try (SegmentLog copy = SegmentLog.open(copyOf(dir, dir.resolveSibling(dir.getFileName() + "-copy")), SMALL)) {
                assertDense(readAll(copy, 1), 1, 10);
                assertThat(copy.append(payload(11))).isEqualTo(11);
            }
        }
    }

    @Test
    void everyAppendCommitsBeforeAppendReturns() throws IOException {
        try (SegmentLog log = SegmentLog.open(dir, new Options(4096, SyncPolicy.EVERY_APPEND))) {
            for (long i = 1; i <= 200; i++) {
                assertThat(log.append(payload(i))).isEqualTo(i);
                assertThat(log.committedSequence()).isEqualTo(i);
            }
            assertDense(readAll(log, 1), 1, 200);
            try (SegmentLog copy = SegmentLog.open(copyOf(dir, dir.resolveSibling(dir.getFileName() + "-copy")), SMALL)) {
                assertDense(readAll(copy, 1), 1, 200);
            }
        }
    }

    @Test
    void neverPolicyIsVisibleAtOnceAndRecoversAfterACleanClose() throws IOException {
        try (SegmentLog log = SegmentLog.open(dir, new Options(1024, SyncPolicy.NEVER))) {
            for (long i = 1; i <= 300; i++) {
                log.append(payload(i));
                assertThat(log.committedSequence()).isEqualTo(i);
            }
        }
        try (SegmentLog log = SegmentLog.open(dir, new Options(1024, SyncPolicy.NEVER))) {
            assertThat(log.recovery().truncated()).isFalse();
            assertDense(readAll(log, 1), 1, 300);
            assertThat(log.append(payload(301))).isEqualTo(301);
        }
    }

    @Test
    void readerTailsAndWaits() throws Exception {
        try (SegmentLog log = SegmentLog.open(dir, new Options(256, SyncPolicy.NEVER));
             SegmentReader reader = log.read(1)) {
            assertThat(reader.next()).isNull();
            assertThat(reader.next(10, TimeUnit.MILLISECONDS)).isNull();
            Thread writer = new Thread(() -> {
                for (long i = 1; i <= 50; i++) {
                    log.append(payload(i));
                }
            });
            writer.start();
            List<LogRecord> seen = new ArrayList<>();
            while (seen.size() < 50) {
                LogRecord r = reader.next(10, TimeUnit.SECONDS);
                assertThat(r).as("record %d within 10 s", seen.size() + 1).isNotNull();
                seen.add(r);
            }
            writer.join();
            assertDense(seen, 1, 50);
            assertThat(reader.nextSequence()).isEqualTo(51);
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void closingTheLogClosesReadersAndRefusesCalls() throws Exception {
        SegmentLog log = SegmentLog.open(dir, SMALL);
        log.append(payload(1));
        SegmentReader reader = log.read(1);
        Thread waiter = new Thread(() -> {
            try {
                reader.next(30, TimeUnit.SECONDS);
            } catch (IllegalStateException | InterruptedException expected) {
                // closed under it
            }
        });
        waiter.start();
        Thread.sleep(50);
        log.close();
        waiter.join(5_000);
        assertThat(waiter.isAlive()).as("a waiting reader wakes up when the log closes").isFalse();
        log.close(); // idempotent
        assertThatThrownBy(() -> log.append(payload(2))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(log::sync).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> log.read(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(reader::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        // the data is there for the next open (close synced it)
        try (SegmentLog again = SegmentLog.open(dir, SMALL)) {
            assertDense(readAll(again, 1), 1, 1);
        }
    }

    @Test
    void oneOpenLogPerDirectory() throws IOException {
        try (SegmentLog log = SegmentLog.open(dir, SMALL)) {
            assertThatThrownBy(() -> SegmentLog.open(dir, SMALL)).isInstanceOf(IOException.class)
                    .hasMessageContaining("already open");
            log.append(payload(1));
        }
        try (SegmentLog log = SegmentLog.open(dir, SMALL)) {
            assertThat(log.lastSequence()).isEqualTo(1);
        }
    }

    @Test
    void anInterruptedAppenderDoesNotBreakTheLog() throws IOException {
        try (SegmentLog log = SegmentLog.open(dir, new Options(512, SyncPolicy.EVERY_APPEND))) {
            Thread.currentThread().interrupt();
            try {
                for (long i = 1; i <= 40; i++) {
                    assertThat(log.append(payload(i))).isEqualTo(i);
                }
                log.sync();
                assertThat(Thread.currentThread().isInterrupted()).as("interrupt status kept").isTrue();
                assertDense(readAll(log, 1), 1, 40);
            } finally {
                Thread.interrupted();
            }
            assertThat(log.append(payload(41))).isEqualTo(41);
        }
    }

    @Test
    void argumentsAreChecked() throws IOException {
        assertThatThrownBy(() -> new Options(10, SyncPolicy.NEVER)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 64");
        assertThatThrownBy(() -> new Options(1024, null)).isInstanceOf(NullPointerException.class);
        assertThat(Options.defaults()).isEqualTo(new Options(64L << 20, SyncPolicy.EVERY_APPEND));
        assertThat(Options.defaults().withSegmentBytes(4096).withSyncPolicy(SyncPolicy.NEVER))
                .isEqualTo(new Options(4096, SyncPolicy.NEVER));
        try (SegmentLog log = SegmentLog.open(dir, SMALL)) {
            assertThatThrownBy(() -> log.append((byte[]) null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.append(Arrays.asList(payload(1), null))).isInstanceOf(IllegalArgumentException.class);
            assertThat(log.lastSequence()).as("nothing of a rejected batch is appended").isZero();
            assertThatThrownBy(() -> log.read(0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.read(2)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
