package io.khora.hibernate.writebehind;

import io.khora.Space;
import io.khora.hibernate.writebehind.model.WbItem;
import io.khora.persistence.WriteBehindSettings;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A space whose write-behind outbox is created afresh (a new machine, a deleted data directory, a
 * test) numbers its changes from 1 again while the database still holds the exactly-once checkpoint
 * rows an earlier outbox of the same space left. The outboxes' log ids tell the two numberings
 * apart, so the checkpoint restarts for the new outbox instead of skipping its changes as already
 * applied.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WriteBehindFreshOutboxTest {
    static final String SPACE = "fresh";
    static final int PARTITIONS = 2;

    @TempDir
    Path tmp;

    private WriteBehindSettings settings(Path outbox) {
        return WriteBehindSettings.builder(outbox)
                .durability(WriteBehindSettings.Durability.PER_BATCH)
                .batchInterval(Duration.ofMillis(20))
                .flushTimeout(Duration.ofSeconds(10))
                .build();
    }

    @Test
    void aFreshOutboxIsDeliveredDespiteACheckpointLeftByAnEarlierOutbox() {
        try (WbPostgres pg = WbPostgres.start(tmp.resolve("pg")); WbDb db = WbDb.create(pg, "fresh_outbox")) {
            SessionFactory sf = db.sessionFactory(false);
            RecordingEndpoint endpoint = new RecordingEndpoint(sf, true);

            // an earlier outbox of the space: 200 entries, delivered, checkpoints left in the database
            try (Space space = WbSpaces.start(SPACE, PARTITIONS, endpoint, null, settings(tmp.resolve("outbox-1")))) {
                assertThat(space.waitForReady(Duration.ofSeconds(30))).isTrue();
                for (long id = 1; id <= 200; id++) {
                    space.write(new WbItem(id, 1, id * 10, "first"));
                }
                assertThat(space.admin().flush(Duration.ofSeconds(30))).isTrue();
            }
            Map<Integer, Long> left = db.checkpoints(SPACE);
            assertThat(left).as("checkpoints of the first outbox").hasSize(PARTITIONS);
            assertThat(left.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(200);

            // the same space with a new, empty outbox directory: its sequences start at 1 again, all below those checkpoints
            int before = endpoint.attempts().size();
            try (Space space = WbSpaces.start(SPACE, PARTITIONS, endpoint, null, settings(tmp.resolve("outbox-2")))) {
                assertThat(space.waitForReady(Duration.ofSeconds(30))).isTrue();
                for (long id = 201; id <= 240; id++) {
                    space.write(new WbItem(id, 1, id * 10, "second"));
                }
                for (long id = 1; id <= 10; id++) {
                    space.write(new WbItem(id, 2, id * 100, "second")); // updates of rows the first outbox wrote
                }
                assertThat(space.admin().flush(Duration.ofSeconds(30))).isTrue();
            }
            List<RecordingEndpoint.Attempt> second = endpoint.attempts().subList(before, endpoint.attempts().size());
            assertThat(second).as("the second outbox's calls").isNotEmpty().allMatch(RecordingEndpoint.Attempt::ok);
            assertThat(second.stream().flatMap(a -> a.sequences().stream()).mapToLong(Long::longValue).min().orElseThrow())
                    .as("the fresh outbox numbers from 1").isEqualTo(1);

            Map<Long, WbItem> items = db.items();
            assertThat(items).as("every entry of both outboxes is in the table").hasSize(240);
            for (long id = 1; id <= 240; id++) {
                WbItem row = items.get(id);
                long rev = id <= 10 ? 2 : 1;
                assertThat(row.getRev()).as("rev of %d", id).isEqualTo(rev);
                assertThat(row.getAmount()).as("amount of %d", id).isEqualTo(id <= 10 ? id * 100 : id * 10);
                assertThat(row.getNote()).as("note of %d", id).isEqualTo(id <= 10 || id > 200 ? "second" : "first");
            }
            Map<Integer, Long> now = db.checkpoints(SPACE);
            assertThat(now.values().stream().mapToLong(Long::longValue).sum()).as("the checkpoints restarted for the new outbox")
                    .isEqualTo(50);
            assertThat(db.count("select count(distinct log_id) from khora_checkpoint where space_name = ?", SPACE))
                    .as("each partition's checkpoint names its new outbox").isEqualTo(PARTITIONS);
        }
    }
}
