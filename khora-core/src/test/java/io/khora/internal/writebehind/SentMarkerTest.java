package io.khora.internal.writebehind;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The sent marker: survives a reopening, only advances, and answers the conservative value when missing or damaged. */
class SentMarkerTest {
    @TempDir
    Path dir;

    @Test
    void anAdvanceSurvivesReopeningAndTheMarkerNeverGoesBack() {
        try (SentMarker m = new SentMarker(dir, 0, true)) {
            assertThat(m.sentUpTo()).isZero();
            m.advance(7);
            m.advance(3);
            assertThat(m.sentUpTo()).isEqualTo(7);
        }
        try (SentMarker m = new SentMarker(dir, 100, true)) {
            assertThat(m.sentUpTo()).as("the stored value wins over the conservative one").isEqualTo(7);
        }
    }

    @Test
    void aMissingOrDamagedFileAnswersTheConservativeValue() throws Exception {
        try (SentMarker m = new SentMarker(dir, 42, false)) {
            assertThat(m.sentUpTo()).as("an outbox from before the marker existed").isEqualTo(42);
        }
        Files.write(dir.resolve(SentMarker.FILE), new byte[] {1, 2, 3});
        try (SentMarker m = new SentMarker(dir, 55, false)) {
            assertThat(m.sentUpTo()).as("a torn file").isEqualTo(55);
        }
        byte[] bad = new byte[16];
        bad[7] = 9;
        Files.write(dir.resolve(SentMarker.FILE), bad);
        try (SentMarker m = new SentMarker(dir, 66, false)) {
            assertThat(m.sentUpTo()).as("a check that does not match").isEqualTo(66);
        }
    }
}
