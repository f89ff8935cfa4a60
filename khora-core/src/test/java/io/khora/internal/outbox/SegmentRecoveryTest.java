package io.khora.internal.outbox;

import static io.khora.internal.outbox.LogTesting.copyOf;
import static io.khora.internal.outbox.LogTesting.fileSize;
import static io.khora.internal.outbox.LogTesting.payload;
import static io.khora.internal.outbox.LogTesting.readAll;
import static io.khora.internal.outbox.LogTesting.segmentFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.khora.internal.outbox.SegmentLog.Options;
import io.khora.internal.outbox.SegmentLog.SyncPolicy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash simulations: torn and damaged segment files, and what {@link SegmentLog#open} makes of them. */
class SegmentRecoveryTest {
    private static final Options OPTIONS = new Options(512, SyncPolicy.NEVER);
    private static final int RECORDS = 60;

    @TempDir
    Path tmp;
    private Path base;
    private int copies;

    @BeforeEach
    void writeLog() throws IOException {
        base = tmp.resolve("base");
        try (SegmentLog log = SegmentLog.open(base, OPTIONS)) {
            for (long i = 1; i <= RECORDS; i++) {
                log.append(payload(i));
            }
        }
        assertThat(segmentFiles(base)).hasSizeGreaterThan(3);
    }

    private Path freshCopy() {
        return copyOf(base, tmp.resolve("copy" + (copies++)));
    }

    /** The start offsets of the records in a segment file, plus its end. */
    private static List<Long> recordOffsets(Path segment) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        List<Long> offsets = new ArrayList<>();
        int at = RecordFormat.SEGMENT_HEADER_BYTES;
        while (at < bytes.length) {
            offsets.add((long) at);
            at += RecordFormat.RECORD_HEADER_BYTES + b.getInt(at);
        }
        offsets.add((long) at);
        return offsets;
    }

    private static long firstSequenceOf(Path segment) {
        return RecordFormat.parseFileName(segment.getFileName().toString());
    }

    private static void cut(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private static void flip(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= 0x10;
        Files.write(file, bytes);
    }

    private static void assertDense(List<LogRecord> records, long from, long to) {
        assertThat(records).hasSize((int) (to - from + 1));
        for (int i = 0; i < records.size(); i++) {
            assertThat(records.get(i).sequence()).isEqualTo(from + i);
            assertThat(records.get(i).payload()).isEqualTo(payload(from + i));
        }
    }

    /** Opens {@code dir}, checks it holds exactly 1..{@code expectedLast}, and that appending continues. */
    private static RecoveryReport openAndCheck(Path dir, long expectedLast) throws IOException {
        try (SegmentLog log = SegmentLog.open(dir, OPTIONS)) {
            assertThat(log.lastSequence()).isEqualTo(expectedLast);
            assertDense(readAll(log, 1), 1, expectedLast);
            assertThat(log.append(payload(expectedLast + 1))).isEqualTo(expectedLast + 1);
            RecoveryReport report = log.recovery();
            log.close();
            try (SegmentLog again = SegmentLog.open(dir, OPTIONS)) {
                assertThat(again.recovery().truncated()).as("a second open finds nothing to repair").isFalse();
                assertDense(readAll(again, 1), 1, expectedLast + 1);
            }
            return report;
        }
    }

    @Test
    void aTornLastRecordIsCutAtEveryOffset() throws IOException {
        List<Path> files = segmentFiles(base);
        Path lastFile = files.get(files.size() - 1);
        List<Long> offsets = recordOffsets(lastFile);
        long firstInLast = firstSequenceOf(lastFile);
        long lastStart = offsets.get(offsets.size() - 2);
        long end = offsets.get(offsets.size() - 1);
        assertThat(end).isEqualTo(fileSize(lastFile));

        List<Long> cuts = new ArrayList<>();
        for (long c = lastStart; c < end; c++) {
            cuts.add(c); // every offset of the last record
        }
        for (long c = 0; c < lastStart; c += c < RecordFormat.SEGMENT_HEADER_BYTES ? 1 : 7) {
            cuts.add(c); // inside the header, and a sample of the rest of the file
        }
        for (long c : cuts) {
            Path dir = freshCopy();
            cut(dir.resolve(lastFile.getFileName()), c);
            int whole = 0;
            long boundary = RecordFormat.SEGMENT_HEADER_BYTES;
            for (int i = 0; i < offsets.size() - 1; i++) {
                if (offsets.get(i + 1) <= c) {
                    whole = i + 1;
                    boundary = offsets.get(i + 1);
                }
            }
            long expectedLast = firstInLast - 1 + whole;
            RecoveryReport report = openAndCheck(dir, expectedLast);
            boolean torn = c != boundary;
            assertThat(report.truncated()).as("cut at %d", c).isEqualTo(torn);
            if (torn && c >= RecordFormat.SEGMENT_HEADER_BYTES) {
                assertThat(report.truncatedAt()).isEqualTo(boundary);
                assertThat(report.droppedBytes()).isEqualTo(c - boundary);
                assertThat(report.truncatedFile().getFileName()).isEqualTo(lastFile.getFileName());
            }
        }
    }

    @Test
    void aZeroFilledTailIsCut() throws IOException {
        Path dir = freshCopy();
        List<Path> files = segmentFiles(dir);
        Path last = files.get(files.size() - 1);
        long size = fileSize(last);
        Files.write(last, new byte[4096], StandardOpenOption.APPEND);
        RecoveryReport report = openAndCheck(dir, RECORDS);
        assertThat(report.truncatedAt()).isEqualTo(size);
        assertThat(report.droppedBytes()).isEqualTo(4096);
    }

    @Test
    void aDamagedRecordInTheLastSegmentDropsTheRestOfItWithAWarning() throws IOException {
        for (int field = 0; field < 3; field++) {
            Path dir = freshCopy();
            List<Path> files = segmentFiles(dir);
            Path last = files.get(files.size() - 1);
            List<Long> offsets = recordOffsets(last);
            assertThat(offsets.size()).isGreaterThanOrEqualTo(4);
            int victim = (offsets.size() - 1) / 2; // a record in the middle
            long start = offsets.get(victim);
            long flipAt = switch (field) {
                case 0 -> start + RecordFormat.RECORD_HEADER_BYTES + 3; // payload
                case 1 -> start + 2; // length
                default -> start + 12; // sequence
            };
            flip(last, flipAt);
            long size = fileSize(last);

            String warnings = captureStandardError(() -> {
                RecoveryReport report = openAndCheck(dir, firstSequenceOf(last) - 1 + victim);
                assertThat(report.truncatedFile().getFileName()).isEqualTo(last.getFileName());
                assertThat(report.truncatedAt()).isEqualTo(start);
                assertThat(report.droppedBytes()).isEqualTo(size - start);
            });
            assertThat(warnings).contains("WARN").contains(last.getFileName().toString())
                    .contains("offset " + start).contains("dropping " + (size - start) + " bytes");
        }
    }

    @Test
    void aDamagedRecordInAnEarlierSegmentFailsOpenNamingTheFile() throws IOException {
        Path dir = freshCopy();
        Path second = segmentFiles(dir).get(1);
        List<Long> offsets = recordOffsets(second);
        long start = offsets.get(1);
        flip(second, start + RecordFormat.RECORD_HEADER_BYTES);
        byte[] before = Files.readAllBytes(second);
        List<Path> filesBefore = segmentFiles(dir);

        Throwable t = catchThrowable(() -> SegmentLog.open(dir, OPTIONS));
        assertThat(t).isInstanceOf(LogCorruptedException.class)
                .hasMessageContaining(second.toString()).hasMessageContaining("at offset " + start)
                .hasMessageContaining("checksum").hasMessageContaining("not the last");
        assertThat(((LogCorruptedException) t).file()).isEqualTo(second);
        assertThat(((LogCorruptedException) t).offset()).isEqualTo(start);
        assertThat(Files.readAllBytes(second)).as("nothing is repaired behind the operator's back").isEqualTo(before);
        assertThat(segmentFiles(dir)).isEqualTo(filesBefore);
        // and the directory is not left locked
        Files.copy(base.resolve(second.getFileName()), second, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        openAndCheck(dir, RECORDS);
    }

    @Test
    void aTornEarlierSegmentIsCorruptionToo() throws IOException {
        Path dir = freshCopy();
        Path first = segmentFiles(dir).get(0);
        cut(first, fileSize(first) - 3);
        assertThat(catchThrowable(() -> SegmentLog.open(dir, OPTIONS))).isInstanceOf(LogCorruptedException.class)
                .hasMessageContaining(first.toString());
    }

    @Test
    void aMissingSegmentIsAGap() throws IOException {
        Path dir = freshCopy();
        Path second = segmentFiles(dir).get(1);
        Files.delete(second);
        Path third = segmentFiles(dir).get(1);
        assertThat(catchThrowable(() -> SegmentLog.open(dir, OPTIONS))).isInstanceOf(LogCorruptedException.class)
                .hasMessageContaining(third.toString()).hasMessageContaining("a segment file is missing");
    }

    @Test
    void aRecordOutOfSequenceIsCorruptionEvenWithAValidChecksum() throws IOException {
        Path dir = freshCopy();
        List<Path> files = segmentFiles(dir);
        Path last = files.get(files.size() - 1);
        long start = recordOffsets(last).get(1);
        byte[] bytes = Files.readAllBytes(last);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int length = b.getInt((int) start);
        b.putLong((int) start + 8, 999);
        int crc = RecordFormat.checksum(new CRC32C(), new byte[12], length, 999, bytes, (int) start + 16);
        b.putInt((int) start + 4, crc);
        Files.write(last, bytes);
        assertThat(catchThrowable(() -> SegmentLog.open(dir, OPTIONS))).isInstanceOf(LogCorruptedException.class)
                .hasMessageContaining("record has sequence 999 where " + (firstSequenceOf(last) + 1) + " was expected");
    }

    @Test
    void aHalfCreatedLastSegmentIsStartedAgain() throws IOException {
        Path dir = freshCopy();
        long next = RECORDS + 1;
        Path created = dir.resolve(RecordFormat.fileName(next));
        Files.write(created, new byte[RecordFormat.SEGMENT_HEADER_BYTES + 40]); // zero-filled by the crash
        RecoveryReport report = openAndCheck(dir, RECORDS);
        assertThat(report.truncatedFile().getFileName()).isEqualTo(created.getFileName());
        assertThat(report.droppedBytes()).isEqualTo(RecordFormat.SEGMENT_HEADER_BYTES + 40);

        Path dir2 = freshCopy();
        Files.write(dir2.resolve(RecordFormat.fileName(next)), new byte[] {0x4B, 0x48, 0x4F}); // torn header
        openAndCheck(dir2, RECORDS);
    }

    @Test
    void aForeignHeaderIsNotOverwritten() throws IOException {
        Path dir = freshCopy();
        Path first = segmentFiles(dir).get(0);
        byte[] bytes = Files.readAllBytes(first);
        bytes[0] = 'X';
        Files.write(first, bytes);
        assertThat(catchThrowable(() -> SegmentLog.open(dir, OPTIONS))).isInstanceOf(LogCorruptedException.class)
                .hasMessageContaining("not a segment file");

        Path dir2 = freshCopy();
        Path garbage = dir2.resolve(RecordFormat.fileName(RECORDS + 1));
        Files.write(garbage, "this is not a segment at all".getBytes(StandardCharsets.UTF_8));
        assertThat(catchThrowable(() -> SegmentLog.open(dir2, OPTIONS))).isInstanceOf(LogCorruptedException.class)
                .hasMessageContaining(garbage.toString());
        assertThat(Files.readString(garbage)).isEqualTo("this is not a segment at all");
    }

    private interface Action {
        void run() throws IOException;
    }

    /** Runs {@code action} with System.err captured (slf4j-simple logs there) and returns what was written. */
    private static String captureStandardError(Action action) throws IOException {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
