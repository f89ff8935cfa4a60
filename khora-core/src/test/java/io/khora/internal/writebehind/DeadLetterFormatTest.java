package io.khora.internal.writebehind;

import io.khora.internal.wire.WireOutput;
import io.khora.persistence.DataSyncOperationType;
import io.khora.persistence.DeadLetter;
import io.khora.testing.GoldenBytes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dead-letter store's file (a segment log whose records are a letter's fields, then the refused change in the
 * outbox's form, see {@link OutboxCodec}) and the write-behind sent marker ({@link SentMarker}: the sequence and its
 * complement) are persistent formats. Golden bytes under {@code src/test/resources/golden/dead-letter/} and
 * {@code .../sent-marker/}; see {@link GoldenBytes}.
 *
 * <p>Note: a dead-letter record has no format version of its own (the segment header's version covers the framing
 * only); a change to its fields would need one.
 */
class DeadLetterFormatTest {
    static final String DEAD_LETTER = "dead-letter";
    static final String SENT_MARKER = "sent-marker";
    static final String SEGMENT = "segment-00000000000000000001";
    static final String SEG_FILE = "00000000000000000001.seg";

    @TempDir
    Path base;

    record Letter(DeadLetter letter, byte[] change) {
    }

    static List<Letter> letters() {
        byte[] change = OutboxCodec.encode(new io.khora.internal.engine.Change(DataSyncOperationType.WRITE,
                OutboxRecordFormatTest.samples().get("v1-write").decoded() instanceof OutboxRecord.Single s ? s.change().entry() : null,
                List.of(), 3, 17), new WireOutput());
        List<Letter> l = new ArrayList<>();
        l.add(new Letter(new DeadLetter(3, 17, DataSyncOperationType.WRITE, "io.khora.fixtures.Trade", 7L,
                "value too long for column", Instant.ofEpochMilli(1_700_000_000_123L)), change));
        l.add(new Letter(new DeadLetter(0, 1, DataSyncOperationType.REMOVE, "Quote", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
                "", Instant.ofEpochMilli(0)), new byte[0]));
        return l;
    }

    @Test
    void deadLettersStillEncodeToTheirGoldenBytes() throws Exception {
        Path dir = base.resolve("dead-letters");
        try (DeadLetterStore s = new DeadLetterStore(dir)) {
            for (Letter l : letters()) {
                s.add(l.letter(), l.change());
            }
        }
        GoldenBytes.assertMatches(DEAD_LETTER, SEGMENT, Files.readAllBytes(dir.resolve(SEG_FILE)));
    }

    @Test
    void goldenDeadLettersOfEveryEarlierVersionStillRead() throws Exception {
        GoldenBytes.assumeReading();
        Path dir = base.resolve("dead-letters");
        Files.createDirectories(dir);
        Files.write(dir.resolve(SEG_FILE), GoldenBytes.read(DEAD_LETTER, SEGMENT));
        List<Letter> expected = letters();
        try (DeadLetterStore s = new DeadLetterStore(dir)) {
            assertThat(s.list()).containsExactlyElementsOf(expected.stream().map(Letter::letter).toList());
            Map<DeadLetter, byte[]> changes = s.changes(d -> true);
            for (Letter l : expected) {
                assertThat(changes.get(l.letter())).as("the change kept with %s", l.letter()).isEqualTo(l.change());
            }
        }
    }

    @Test
    void theSentMarkerStillEncodesToItsGoldenBytes() throws Exception {
        try (SentMarker m = new SentMarker(base, 0, false)) {
            m.advance(123_456_789_012L);
        }
        GoldenBytes.assertMatches(SENT_MARKER, "sent-123456789012", Files.readAllBytes(base.resolve(SentMarker.FILE)));
    }

    @Test
    void aGoldenSentMarkerStillReads() throws Exception {
        GoldenBytes.assumeReading();
        Files.write(base.resolve(SentMarker.FILE), GoldenBytes.read(SENT_MARKER, "sent-123456789012"));
        try (SentMarker m = new SentMarker(base, Long.MAX_VALUE, false)) {
            assertThat(m.sentUpTo()).isEqualTo(123_456_789_012L);
        }
    }
}
