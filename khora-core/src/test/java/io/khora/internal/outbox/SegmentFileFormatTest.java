package io.khora.internal.outbox;

import io.khora.internal.outbox.SegmentLog.Options;
import io.khora.internal.outbox.SegmentLog.SyncPolicy;
import io.khora.testing.GoldenBytes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The segment files of a {@link SegmentLog} ({@link RecordFormat}: segment header, then records framed by length,
 * CRC32C and sequence) are a persistent format: the outbox and the dead-letter store are such logs. A fixed log of
 * several segments (small segments so that it rolls; an empty payload included) has golden bytes, one file per
 * segment, under {@code src/test/resources/golden/outbox-segment/}; see {@link GoldenBytes}.
 */
class SegmentFileFormatTest {
    static final String FORMAT = "outbox-segment";
    static final Options OPTIONS = new Options(Options.MIN_SEGMENT_BYTES, SyncPolicy.NEVER);

    @TempDir
    Path dir;

    /** The payloads of the sample log, sequences 1, 2, 3… */
    static List<byte[]> payloads() {
        List<byte[]> p = new ArrayList<>();
        p.add("first record".getBytes(StandardCharsets.UTF_8));
        p.add(new byte[0]);
        p.add("a record long enough to fill its own segment, and then some".getBytes(StandardCharsets.UTF_8));
        p.add(new byte[] {0, 1, 2, (byte) 0xFE, (byte) 0xFF});
        p.add("last".getBytes(StandardCharsets.UTF_8));
        return p;
    }

    private static String sample(String fileName) {
        return "segment-" + fileName.substring(0, fileName.length() - RecordFormat.SUFFIX.length());
    }

    @Test
    void aLogOfSeveralSegmentsStillEncodesToItsGoldenBytes() throws Exception {
        Path log = dir.resolve("log");
        try (SegmentLog l = SegmentLog.open(log, OPTIONS)) {
            for (byte[] p : payloads()) {
                l.append(p);
            }
        }
        List<Path> segments;
        try (Stream<Path> files = Files.list(log)) {
            segments = files.filter(f -> RecordFormat.parseFileName(f.getFileName().toString()) >= 0).sorted().toList();
        }
        assertThat(segments).as("the sample rolls to more than one segment").hasSizeGreaterThan(1);
        for (Path f : segments) {
            GoldenBytes.assertMatches(FORMAT, sample(f.getFileName().toString()), Files.readAllBytes(f));
        }
        if (!GoldenBytes.writing()) {
            assertThat(GoldenBytes.samples(FORMAT)).as("no golden segment left over")
                    .containsExactlyElementsOf(segments.stream().map(f -> sample(f.getFileName().toString())).toList());
        }
    }

    @Test
    void goldenSegmentsOfEveryEarlierVersionStillRead() throws Exception {
        GoldenBytes.assumeReading();
        Path log = dir.resolve("golden");
        Files.createDirectories(log);
        for (String name : GoldenBytes.samples(FORMAT)) {
            long first = Long.parseLong(name.substring("segment-".length()));
            Files.write(log.resolve(RecordFormat.fileName(first)), GoldenBytes.read(FORMAT, name));
        }
        List<byte[]> expected = payloads();
        try (SegmentLog l = SegmentLog.open(log, OPTIONS); SegmentReader r = l.read(1)) {
            assertThat(l.recovery().truncated()).as("recovery cut nothing: %s", l.recovery()).isFalse();
            assertThat(l.recovery().records()).isEqualTo(expected.size());
            assertThat(l.lastSequence()).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                LogRecord rec = r.next();
                assertThat(rec).as("record %d", i + 1).isNotNull();
                assertThat(rec.sequence()).isEqualTo(i + 1);
                assertThat(rec.payload()).as("payload of record %d", i + 1).isEqualTo(expected.get(i));
            }
            assertThat(r.next()).isNull();
        }
    }
}
