package io.khora.internal.writebehind;

import io.khora.persistence.DataSyncOperationType;
import io.khora.persistence.DeadLetter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeadLetterStoreTest {
    @TempDir
    Path base;

    private static DeadLetter letter(int partition, long sequence) {
        return new DeadLetter(partition, sequence, DataSyncOperationType.WRITE, "Order", "id-" + sequence,
                "value too long for column", Instant.ofEpochMilli(1_700_000_000_000L + sequence));
    }

    private Path fill(long... sequences) {
        Path dir = base.resolve("dead-letters");
        try (DeadLetterStore s = new DeadLetterStore(dir)) {
            for (long q : sequences) {
                s.add(letter((int) (q % 2), q), new byte[0]);
            }
        }
        return dir;
    }

    @Test
    void lettersSurviveAReopenWithEveryField() {
        Path dir = fill(5, 8);
        try (DeadLetterStore s = new DeadLetterStore(dir)) {
            assertThat(s.list()).containsExactly(letter(1, 5), letter(0, 8));
            assertThat(s.count()).isEqualTo(2);
        }
    }

    @Test
    void removeIfDropsTheSelectedAndKeepsTheOthersAcrossAReopen() {
        Path dir = fill(1, 2, 3, 4);
        try (DeadLetterStore s = new DeadLetterStore(dir)) {
            List<DeadLetter> removed = s.removeIf(d -> Set.of(2L, 4L).contains(d.sequence()));
            assertThat(removed).extracting(DeadLetter::sequence).containsExactly(2L, 4L);
            assertThat(s.count()).isEqualTo(2);
            s.add(letter(1, 9), new byte[0]); // still writable after the rewrite
        }
        try (DeadLetterStore s = new DeadLetterStore(dir)) {
            assertThat(s.list()).extracting(DeadLetter::sequence).containsExactly(1L, 3L, 9L);
        }
        assertThat(Files.exists(base.resolve("dead-letters.tmp"))).isFalse();
        assertThat(Files.exists(base.resolve("dead-letters.old"))).isFalse();
    }

    @Test
    void removeAllEmptiesTheStore() {
        Path dir = fill(1, 2, 3);
        try (DeadLetterStore s = new DeadLetterStore(dir)) {
            assertThat(s.removeAll()).isEqualTo(3);
            assertThat(s.list()).isEmpty();
            assertThat(s.removeIf(d -> true)).isEmpty();
        }
        try (DeadLetterStore s = new DeadLetterStore(dir)) {
            assertThat(s.count()).isZero();
        }
    }

    @Test
    void aRewriteInterruptedBeforeTheSwapLeavesTheOldStoreIntact() {
        Path dir = fill(1, 2, 3);
        // a crash while the survivors were being written: a partial .tmp beside the intact store
        try (DeadLetterStore partial = new DeadLetterStore(base.resolve("dead-letters.tmp"))) {
            partial.add(letter(0, 2), new byte[0]);
        }
        try (DeadLetterStore s = new DeadLetterStore(dir)) {
            assertThat(s.list()).extracting(DeadLetter::sequence).containsExactly(1L, 2L, 3L);
        }
        assertThat(Files.exists(base.resolve("dead-letters.tmp"))).isFalse();
    }

    @Test
    void aRewriteInterruptedBetweenTheRenamesIsFinishedOnOpen() throws Exception {
        fill(1, 2, 3);
        Path dir = base.resolve("dead-letters");
        try (DeadLetterStore complete = new DeadLetterStore(base.resolve("dead-letters.tmp"))) {
            complete.add(letter(1, 3), new byte[0]); // the survivors, written and forced before the swap began
        }
        Files.move(dir, base.resolve("dead-letters.old")); // step 2 done, the crash before step 3
        try (DeadLetterStore s = new DeadLetterStore(dir)) {
            assertThat(s.list()).extracting(DeadLetter::sequence).containsExactly(3L);
        }
        assertThat(Files.exists(base.resolve("dead-letters.old"))).isFalse();
    }

    @Test
    void aSecondOpenIsRefusedNamingTheHoldersPid() {
        Path dir = base.resolve("dead-letters");
        try (DeadLetterStore s = new DeadLetterStore(dir)) {
            assertThatThrownBy(() -> new DeadLetterStore(dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by process " + ProcessHandle.current().pid())
                    .hasMessageContaining(dir.toString());
        }
        try (DeadLetterStore again = new DeadLetterStore(dir)) {
            assertThat(again.count()).isZero(); // released on close
        }
    }
}
