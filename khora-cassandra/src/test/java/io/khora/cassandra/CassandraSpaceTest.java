package io.khora.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import io.khora.CachePolicy;
import io.khora.ChangeSet;
import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.cassandra.model.Item;
import io.khora.cassandra.model.Order;
import io.khora.cassandra.model.Tag;
import io.khora.persistence.DataSyncOperationType;
import io.khora.persistence.DeadLetter;
import io.khora.persistence.WriteBehindSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An embedded space over a real Cassandra 5.0: LRU read-through by id, by ids and by a query
 * translated to CQL; write-through of write, change and take; and write-behind setting a poison
 * row (one Cassandra refuses) aside as a dead letter while the rest of its batch reaches the table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CassandraSpaceTest {
    TestKeyspace ks;

    @TempDir
    Path tmp;

    @BeforeAll
    void createData() {
        ks = new TestKeyspace("space_test");
        ks.insertOrders(200);
        ks.insertItems(200);
    }

    @AfterAll
    void dropData() {
        if (ks != null) {
            ks.close();
        }
    }

    @Test
    void lruReadsMissesThroughCassandraByIdByIdsAndByQuery() {
        CassandraSpaceDataSource ds = CassandraSpaceDataSource.builder(ks.session).table(ks.items).table(ks.orders).maxIdsPerQuery(2).build();
        try (Space space = Spaces.embedded("cass-lru").partitions(2).dataSource(ds).cachePolicy(CachePolicy.LRU).maxEntries(10)
                .start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(120))).isTrue();
            Item item = space.readById(Item.class, -42L);
            assertThat(item).isNotNull().extracting(Item::getNote).isEqualTo("item -42");
            assertThat(space.readById(Item.class, 1_000_000L)).as("not in Cassandra either").isNull();
            assertThat(space.readByIds(Item.class, List.of(3L, -3L, 4L, -4L, 5L, 999_999L))).filteredOn(java.util.Objects::nonNull)
                    .extracting(Item::getId).containsExactlyInAnyOrder(3L, -3L, 4L, -4L, 5L);
            List<Order> paid = space.readMultiple(Query.of(Order.class, "status = ? AND amount < ?", "PAID", 30.0));
            assertThat(paid).extracting(Order::getId).containsExactlyInAnyOrder(3L, 6L, 9L, 12L, 15L, 18L);
            // OR is not CQL: the whole table is read and the space keeps the matches
            List<Order> either = space.readMultiple(Query.of(Order.class, "id = ? OR customerId = ?", 1L, -73));
            assertThat(either).extracting(Order::getId).containsExactlyInAnyOrder(1L, 10L);
        }
    }

    @Test
    void writeThroughWritesChangesAndTakesInCassandra() {
        CassandraSpaceSynchronizationEndpoint endpoint = CassandraSpaceSynchronizationEndpoint.builder(ks.session).table(ks.orders).build();
        try (Space space = Spaces.embedded("cass-wt").partitions(4).synchronizationEndpoint(endpoint).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(60))).isTrue();
            space.write(new Order(50_000L, -42, "NEW", 12.5));
            assertThat(orderRow(50_000L)).containsEntry("status", "NEW").containsEntry("amount", 12.5).containsEntry("customerid", -42);
            space.change(Query.of(Order.class, "id = ?", 50_000L), ChangeSet.create().set("status", "PAID").increment("amount", 1.5));
            assertThat(orderRow(50_000L)).containsEntry("status", "PAID").containsEntry("amount", 14.0);
            assertThat(space.takeById(Order.class, 50_000L, -42)).isNotNull();
            assertThat(orderRow(50_000L)).isNull();
        }
    }

    @Test
    void writeBehindSetsAPoisonRowAsideAsADeadLetterAndDeliversTheRest() {
        CassandraSpaceSynchronizationEndpoint endpoint = CassandraSpaceSynchronizationEndpoint.builder(ks.session).table(ks.tags).build();
        WriteBehindSettings settings = WriteBehindSettings.builder(tmp.resolve("outbox")).durability(WriteBehindSettings.Durability.PER_BATCH)
                .batchSize(1_000).batchInterval(Duration.ofMillis(300)).retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build();
        try (Space space = Spaces.embedded("cass-poison").partitions(1).synchronizationEndpoint(endpoint).writeBehind(settings).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(60))).isTrue();
            for (int i = 0; i < 100; i++) {
                space.write(new Tag(i == 37 ? "" : "tag-" + i, i)); // Cassandra refuses an empty partition key
            }
            assertThat(space.admin().flush(Duration.ofSeconds(60))).as("the poison does not stall the partition").isTrue();
            List<DeadLetter> letters = space.admin().deadLetters();
            assertThat(letters).hasSize(1);
            DeadLetter letter = letters.get(0);
            assertThat(letter.id()).isEqualTo("");
            assertThat(letter.operation()).isEqualTo(DataSyncOperationType.WRITE);
            assertThat(letter.typeName()).isEqualTo(Tag.class.getName());
            assertThat(letter.error()).containsIgnoringCase("key may not be empty");
            assertThat(ks.count("tags")).isEqualTo(99);
        }
    }

    private Map<String, Object> orderRow(long id) {
        Row r = ks.session.execute("SELECT customerid, status, amount FROM space_test.orders WHERE id = ?", id).one();
        return r == null ? null : Map.of("customerid", r.getInt(0), "status", r.getString(1), "amount", r.getDouble(2));
    }
}
