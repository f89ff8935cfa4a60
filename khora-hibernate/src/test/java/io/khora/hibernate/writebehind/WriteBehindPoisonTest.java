package io.khora.hibernate.writebehind;

import io.khora.Space;
import io.khora.hibernate.writebehind.model.WbItem;
import io.khora.persistence.DataSyncOperationType;
import io.khora.persistence.DeadLetter;
import io.khora.persistence.WriteBehindSettings;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Done-when of issue 4, the poison test: one operation violates a constraint; it lands in the
 * dead-letter store and every other operation of its batch (and after it) reaches the table.
 *
 * <p>The table gets {@code CHECK (amount >= 0)}. 400 entries are written in one burst, within one
 * batch window (batch interval 300 ms, batch size 1,000), entry 177 with a negative amount; then
 * a third of them are updated and 100 more written. Proved, on a 2-partition space: the first
 * endpoint call that carried the poison also carried good operations and was refused (so the
 * isolation is exercised, not avoided); after {@code flush} the dead-letter store holds exactly
 * one letter — partition {@code floorMod(177, 2)}, WRITE, {@link WbItem}'s type name, id 177,
 * PostgreSQL's error naming the constraint, the poison's own outbox sequence — and every other
 * entry's row is its last write (the audit trigger shows no change applied twice); entry 177 is
 * not in the table. The letter is still listed by a space restarted on the same directory.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WriteBehindPoisonTest {
    static final int PARTITIONS = 2;
    static final long POISON = 177;
    static final String CONSTRAINT = "wb_items_amount_nonnegative";

    @TempDir
    Path tmp;

    @Test
    void aConstraintViolationGoesToTheDeadLetterStoreAndTheRestOfItsBatchReachesTheTable() throws Exception {
        try (WbPostgres pg = WbPostgres.start(tmp.resolve("pg")); WbDb db = WbDb.create(pg, "poison")) {
            db.execute("alter table wb_items add constraint " + CONSTRAINT + " check (amount >= 0)");
            SessionFactory sf = db.sessionFactory(false);
            RecordingEndpoint endpoint = new RecordingEndpoint(sf, true);
            WriteBehindSettings settings = WriteBehindSettings.builder(tmp.resolve("outbox"))
                    .durability(WriteBehindSettings.Durability.PER_BATCH)
                    .batchSize(1_000)
                    .batchInterval(Duration.ofMillis(300))
                    .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                    .build();
            Map<Long, WbItem> expected = new HashMap<>();
            try (Space space = WbSpaces.start("poison", PARTITIONS, endpoint, null, settings)) {
                assertThat(space.waitForReady(Duration.ofSeconds(30))).isTrue();
                for (long id = 1; id <= 400; id++) {
                    WbItem item = new WbItem(id, 1, id == POISON ? -1 : id, "first");
                    space.write(item);
                    if (id != POISON) {
                        expected.put(id, item);
                    }
                }
                for (long id = 2; id <= 400; id += 3) {
                    if (id != POISON) {
                        WbItem item = new WbItem(id, 2, id + 10_000, "second");
                        space.write(item);
                        expected.put(id, item);
                    }
                }
                for (long id = 401; id <= 500; id++) {
                    WbItem item = new WbItem(id, 1, id, "after");
                    space.write(item);
                    expected.put(id, item);
                }
                assertThat(space.admin().flush(Duration.ofSeconds(30))).as("flush: the poison does not stall its partition").isTrue();
                assertThat(space.admin().pendingChanges()).isZero();

                // the poison shared its first attempt with good operations, and that attempt was refused
                List<RecordingEndpoint.Attempt> attempts = endpoint.attempts();
                RecordingEndpoint.Attempt firstWithPoison = attempts.stream().filter(a -> a.ids().contains(POISON)).findFirst()
                        .orElseThrow(() -> new AssertionError("no endpoint call carried entry " + POISON + " in "
                                + attempts.size() + " calls"));
                assertThat(firstWithPoison.ok()).as("the first call carrying the poison was refused").isFalse();
                assertThat(firstWithPoison.ids().size()).as("operations in the poison's first batch").isGreaterThan(1);
                assertThat(firstWithPoison.error()).contains(CONSTRAINT);
                long poisonSequence = firstWithPoison.sequences().get(firstWithPoison.ids().indexOf(POISON));
                assertThat(attempts).as("no accepted call carried the poison").noneMatch(a -> a.ok() && a.ids().contains(POISON));

                // exactly the poison is set aside, described fully
                List<DeadLetter> letters = space.admin().deadLetters();
                assertThat(letters).as("dead letters").hasSize(1);
                DeadLetter letter = letters.get(0);
                assertThat(letter.partitionId()).as("partition of the poison").isEqualTo(Math.floorMod(POISON, PARTITIONS));
                assertThat(letter.partitionId()).isEqualTo(firstWithPoison.source().partitionId());
                assertThat(letter.operation()).isEqualTo(DataSyncOperationType.WRITE);
                assertThat(letter.typeName()).isEqualTo(WbItem.class.getName());
                assertThat(letter.id()).isEqualTo(POISON);
                assertThat(letter.sequence()).as("the poison's outbox sequence").isEqualTo(poisonSequence);
                assertThat(letter.error()).contains("violates check constraint", CONSTRAINT);
                assertThat(letter.recordedAt()).isNotNull();

                // every other operation of its batch, and after it, is in the table, applied once
                Map<Long, WbItem> table = db.items();
                assertThat(table).as("the poison is not in the table").doesNotContainKey(POISON);
                Set<Long> batchMates = new HashSet<>();
                firstWithPoison.ids().forEach(id -> batchMates.add((Long) id));
                batchMates.remove(POISON);
                assertThat(table.keySet()).as("the poison's batch mates reached the table").containsAll(batchMates);
                List<String> wrong = new ArrayList<>();
                expected.forEach((id, e) -> {
                    WbItem row = table.get(id);
                    if (row == null || row.getRev() != e.getRev() || row.getAmount() != e.getAmount()
                            || !e.getNote().equals(row.getNote())) {
                        wrong.add(id + ": expected " + e + ", row " + row);
                    }
                });
                assertThat(wrong).as("rows that are not their entry's last write").isEmpty();
                assertThat(table.keySet()).isEqualTo(expected.keySet());
                List<String> twice = new ArrayList<>();
                db.auditByItem().forEach((id, rows) -> {
                    long prev = 0;
                    for (WbDb.Audit a : rows) {
                        if (a.rev() <= prev) {
                            twice.add(id + ": " + rows);
                            break;
                        }
                        prev = a.rev();
                    }
                });
                assertThat(twice).as("changes applied twice or out of order (audit trigger)").isEmpty();

                space.close();
                // the dead-letter store is durable: a space restarted on the same directory still lists the letter
                try (Space again = WbSpaces.start("poison", PARTITIONS, endpoint, null, settings)) {
                    assertThat(again.waitForReady(Duration.ofSeconds(30))).isTrue();
                    assertThat(again.admin().deadLetters()).as("dead letters after a restart").hasSize(1)
                            .allSatisfy(d -> {
                                assertThat(d.id()).isEqualTo(POISON);
                                assertThat(d.sequence()).isEqualTo(letter.sequence());
                                assertThat(d.error()).isEqualTo(letter.error());
                            });
                    assertThat(again.admin().pendingChanges()).isZero();
                }

                System.out.printf("poison test: %d endpoint calls (%d refused); poison's first batch had %d operations; dead letter %s%n",
                        attempts.size(), attempts.stream().filter(a -> !a.ok()).count(), firstWithPoison.ids().size(), letter);
            }
        }
    }
}
