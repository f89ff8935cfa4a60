package io.khora.internal.writebehind;

import io.khora.fixtures.Trade;
import io.khora.internal.engine.Change;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.internal.outbox.SegmentLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.khora.persistence.DataSyncOperationType.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox's log id, the identity of its numbering: kept across reopenings of the directory, new
 * for a new directory, and created for a directory written by a version without log ids.
 */
class OutboxLogIdTest {
    private static final TypeDescriptor TRADE = TypeIntrospector.describe(Trade.class);

    @TempDir
    Path dir;

    private static Outbox open(Path dir) {
        return new Outbox("log-id-space", 0, dir, SegmentLog.SyncPolicy.ON_SYNC, 1 << 20, 1_000, Duration.ofSeconds(1));
    }

    private static Change write(long id) {
        Object[] v = TRADE.codec().toValues(new Trade(id, "S", 1.0, 1));
        return new Change(WRITE, new SpaceEntry(TRADE, v, 1, Long.MAX_VALUE), List.of(), 0, 0);
    }

    @Test
    void aReopenedOutboxKeepsItsLogIdAndItsNumbering() throws Exception {
        Path p = dir.resolve("partition-1");
        String logId;
        try (Outbox o = open(p)) {
            logId = o.logId();
            assertThat(logId).as("a new outbox has a log id").isNotBlank().hasSizeLessThanOrEqualTo(64);
            assertThat(o.append(List.of(write(1), write(2)))).isEqualTo(2);
            o.sync();
            o.acknowledge(1, List.of());
        }
        assertThat(Files.readString(p.resolve("log-id"), StandardCharsets.US_ASCII)).isEqualTo(logId);
        try (Outbox o = open(p)) {
            assertThat(o.logId()).as("the same directory, the same numbering").isEqualTo(logId);
            assertThat(o.delivered()).isEqualTo(1);
            assertThat(o.append(List.of(write(3)))).isEqualTo(3);
        }
        try (Outbox o = open(p)) {
            assertThat(o.logId()).isEqualTo(logId);
        }
    }

    @Test
    void aFreshOutboxDirectoryGetsANewLogIdAndNumbersFromOneAgain() {
        String first;
        try (Outbox o = open(dir.resolve("a"))) {
            first = o.logId();
            o.append(List.of(write(1), write(2), write(3)));
        }
        try (Outbox o = open(dir.resolve("b"))) {
            assertThat(o.append(List.of(write(1)))).as("the numbering restarts").isEqualTo(1);
            assertThat(o.logId()).as("so the log id differs").isNotBlank().isNotEqualTo(first);
        }
    }

    @Test
    void anOutboxWrittenWithoutALogIdGetsOneOnReopenAndKeepsItsRecords() throws Exception {
        Path p = dir.resolve("partition-1");
        String before;
        try (Outbox o = open(p)) {
            before = o.logId();
            o.append(List.of(write(1), write(2)));
            o.sync();
        }
        Files.delete(p.resolve("log-id")); // as an earlier version left it
        String adopted;
        try (Outbox o = open(p)) {
            adopted = o.logId();
            assertThat(adopted).isNotBlank().isNotEqualTo(before);
            assertThat(o.undeliveredRecords()).as("the records are kept").hasSize(2);
            assertThat(o.append(List.of(write(3)))).as("and the numbering continues").isEqualTo(3);
        }
        try (Outbox o = open(p)) {
            assertThat(o.logId()).as("the created log id is kept from then on").isEqualTo(adopted);
        }
    }
}
