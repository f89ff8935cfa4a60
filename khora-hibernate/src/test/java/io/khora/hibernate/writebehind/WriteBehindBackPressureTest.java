package io.khora.hibernate.writebehind;

import io.khora.Space;
import io.khora.hibernate.writebehind.model.WbItem;
import io.khora.persistence.PersistenceBacklogFullException;
import io.khora.persistence.WriteBehindSettings;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Done-when of issue 4, the back-pressure test: a tiny outbox (one partition, 20 changes, 300 ms
 * backlog wait) and a stopped PostgreSQL make writers fail with {@link PersistenceBacklogFullException}
 * after the wait, without losing what was acknowledged.
 *
 * <p>The server is really stopped ({@link WbPostgres#stop()}). Proved: exactly the outbox's capacity
 * of writes is acknowledged; the next write fails after at least the backlog wait (only a lower
 * bound is asserted) with the exception whose message names the space, the partition, the pending
 * count and capacity, the wait and that the operation was not applied; writers keep failing the same
 * way (several at once too); a refused write is not in the space; once the server is back,
 * {@code flush} delivers, and the table holds every acknowledged write once (audit trigger) and no
 * refused one; writes are accepted again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WriteBehindBackPressureTest {
    static final int CAPACITY = 20;
    static final Duration WAIT = Duration.ofMillis(300);

    @TempDir
    Path tmp;

    @Test
    void aFullOutboxFailsWritersClearlyAfterTheWaitAndLosesNothingAcknowledged() throws Exception {
        try (WbPostgres pg = WbPostgres.start(tmp.resolve("pg")); WbDb db = WbDb.create(pg, "backpressure")) {
            SessionFactory sf = db.sessionFactory(false);
            RecordingEndpoint endpoint = new RecordingEndpoint(sf, false);
            WriteBehindSettings settings = WriteBehindSettings.builder(tmp.resolve("outbox"))
                    .maxPendingPerPartition(CAPACITY)
                    .backlogWait(WAIT)
                    .batchSize(10)
                    .batchInterval(Duration.ofMillis(10))
                    .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                    .flushTimeout(Duration.ofSeconds(2))
                    .build();
            try (Space space = WbSpaces.start("backpressure", 1, endpoint, null, settings)) {
                assertThat(space.waitForReady(Duration.ofSeconds(30))).isTrue();

                // store up: writes are delivered
                for (long id = 1; id <= 5; id++) {
                    space.write(new WbItem(id, 1, id, "before"));
                }
                assertThat(space.admin().flush(Duration.ofSeconds(10))).isTrue();
                assertThat(db.count("select count(*) from wb_items")).isEqualTo(5);

                // store down: the outbox absorbs exactly its capacity, then writers wait and fail
                pg.stop();
                List<Long> acknowledged = new ArrayList<>();
                Set<Long> refused = new TreeSet<>();
                PersistenceBacklogFullException first = null;
                long firstMillis = -1;
                for (long id = 100; first == null && id < 100 + 5 * CAPACITY; id++) {
                    long t0 = System.nanoTime();
                    try {
                        space.write(new WbItem(id, 1, id, "during"));
                        acknowledged.add(id);
                    } catch (PersistenceBacklogFullException e) {
                        firstMillis = (System.nanoTime() - t0) / 1_000_000;
                        first = e;
                        refused.add(id);
                    }
                }
                assertThat(first).as("a writer failed once the outbox was full").isNotNull();
                assertThat(acknowledged).as("writes acknowledged while the store was down = the outbox's capacity").hasSize(CAPACITY);
                assertThat(firstMillis).as("the refused writer waited the backlog wait first").isGreaterThanOrEqualTo(WAIT.toMillis());
                assertThat(first.partitionId()).isZero();
                assertThat(first.pending()).isEqualTo(CAPACITY);
                assertThat(first.getMessage()).contains("space 'backpressure' partition 1", "write-behind outbox holds " + CAPACITY
                        + " undelivered changes (capacity " + CAPACITY + ")", "within " + WAIT.toMillis() + " ms", "was not applied");
                assertThat(space.admin().pendingChanges()).isEqualTo(CAPACITY);

                // it stays that way while the store is down, for several writers at once
                ExecutorService pool = Executors.newFixedThreadPool(3);
                try {
                    List<Future<Long>> waits = new ArrayList<>();
                    for (int k = 0; k < 3; k++) {
                        long id = 1_000 + k;
                        refused.add(id);
                        Callable<Long> refusedWrite = () -> {
                            long t0 = System.nanoTime();
                            assertThatThrownBy(() -> space.write(new WbItem(id, 1, id, "refused")))
                                    .isInstanceOf(PersistenceBacklogFullException.class)
                                    .hasMessageContaining("capacity " + CAPACITY);
                            return (System.nanoTime() - t0) / 1_000_000;
                        };
                        waits.add(pool.submit(refusedWrite));
                    }
                    for (Future<Long> w : waits) {
                        assertThat(w.get(10, TimeUnit.SECONDS)).as("each refused writer waited first")
                                .isGreaterThanOrEqualTo(WAIT.toMillis());
                    }
                } finally {
                    pool.shutdownNow();
                }
                for (long id : refused) {
                    assertThat(space.readById(WbItem.class, id)).as("refused write %d is not in the space", id).isNull();
                }
                for (long id : acknowledged) {
                    assertThat(space.readById(WbItem.class, id)).as("acknowledged write %d is in the space", id).isNotNull();
                }
                assertThat(space.admin().pendingChanges()).isEqualTo(CAPACITY);
                assertThat(endpoint.failures()).as("the mirror tried and the stopped store refused").isPositive();

                // store up again: everything acknowledged is delivered, once; nothing refused is
                pg.restart();
                assertThat(space.admin().flush(Duration.ofSeconds(30))).as("flush after the store is back").isTrue();
                assertThat(space.admin().pendingChanges()).isZero();
                assertThat(space.admin().deadLetters()).isEmpty();
                Map<Long, WbItem> table = db.items();
                Set<Long> expected = new TreeSet<>(List.of(1L, 2L, 3L, 4L, 5L));
                expected.addAll(acknowledged);
                assertThat(new TreeSet<>(table.keySet())).as("rows = acknowledged writes, no refused one").isEqualTo(expected);
                Map<Long, List<WbDb.Audit>> audit = db.auditByItem();
                assertThat(audit.keySet()).isEqualTo(table.keySet());
                audit.forEach((id, rows) -> assertThat(rows).as("audit of %d", id).hasSize(1)
                        .allSatisfy(a -> assertThat(a.op()).isEqualTo("INSERT")));

                // and writers are accepted again
                space.write(new WbItem(2_000, 1, 2_000, "after"));
                assertThat(space.admin().flush(Duration.ofSeconds(10))).isTrue();
                assertThat(db.count("select count(*) from wb_items where id = 2000")).isEqualTo(1);
                System.out.printf("back-pressure test: %d acknowledged while down, first refusal after %d ms: %s%n",
                        acknowledged.size(), firstMillis, first.getMessage());
            }
        }
    }
}
