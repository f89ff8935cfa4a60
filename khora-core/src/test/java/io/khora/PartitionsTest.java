package io.khora;

import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;
import io.khora.fixtures.Trade;
import io.khora.internal.local.LocalSpace;
import io.khora.persistence.Partitioning;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionsTest {
    private Space space;

    @BeforeEach
    void start() {
        space = Spaces.embedded("parts").partitions(4).start();
    }

    @AfterEach
    void stop() {
        space.close();
    }

    @Test
    void integralRoutingIsFloorModOfTheValueNegativesIncluded() {
        assertThat(Partitioning.partitionOf(-1, 4)).isEqualTo(3);
        assertThat(Partitioning.partitionOf(-4L, 4)).isZero();
        assertThat(Partitioning.partitionOf(Long.MIN_VALUE + 1, 4)).isEqualTo((int) Math.floorMod(Long.MIN_VALUE + 1, 4L));
        assertThat(Partitioning.partitionOf(7, 4)).isEqualTo(Partitioning.partitionOf(7L, 4)).isEqualTo(Partitioning.partitionOf(BigInteger.valueOf(7), 4));
        assertThat(Partitioning.partitionOf((short) -3, 4)).isEqualTo(1);
        for (String s : List.of("a", "ACME", "zzzzzzzz", "")) {
            int p = Partitioning.partitionOf(s, 4);
            assertThat(p).isBetween(0, 3).isEqualTo(Math.floorMod(s.hashCode(), 4));
        }
        assertThat(Partitioning.partitionOf(Thread.State.NEW, 4)).isEqualTo(Math.floorMod("NEW".hashCode(), 4));
    }

    static class Order {
        @SpaceId
        Long id;
        @SpaceRouting
        Integer customer;

        Order() {
        }

        Order(long id, int customer) {
            this.id = id;
            this.customer = customer;
        }
    }

    @Test
    void anEntryLandsInThePartitionOfItsRoutingValue() {
        LocalSpace local = (LocalSpace) space;
        for (int c = -10; c <= 10; c++) {
            space.write(new Order(100 + c, c));
        }
        for (int p = 0; p < 4; p++) {
            int expected = 0;
            for (int c = -10; c <= 10; c++) {
                if (Math.floorMod(c, 4) == p) {
                    expected++;
                }
            }
            assertThat(local.router().partition(p).count(
                    io.khora.internal.query.CompiledQuery.all(io.khora.internal.metadata.TypeIntrospector.describe(Order.class))))
                    .as("partition %d", p).isEqualTo(expected);
        }
        assertThat(space.readById(Order.class, 95L)).as("routing is not the id: broadcast finds it").isNotNull();
        assertThat(space.readById(Order.class, 95L, -5)).as("routed lookup").isNotNull();
        assertThat(space.readById(Order.class, 95L, -4)).as("wrong routing, wrong partition").isNull();
    }

    @Test
    void broadcastQueriesHonourMaxOverallAndCountsSum() {
        for (int i = 0; i < 100; i++) {
            space.write(new Trade(i, "S" + (i % 17), (double) i, i));
        }
        assertThat(space.count(Query.all(Trade.class))).isEqualTo(100);
        assertThat(space.readMultiple(Query.all(Trade.class), 13)).hasSize(13);
        assertThat(space.readMultiple(Query.of(Trade.class, "price < 50 ORDER BY price DESC"), 3))
                .extracting(Trade::getPrice).containsExactly(49.0, 48.0, 47.0);
        assertThat(space.takeMultiple(Query.of(Trade.class, "ORDER BY price"), 4))
                .extracting(Trade::getPrice).containsExactly(0.0, 1.0, 2.0, 3.0);
        assertThat(space.takeMultiple(Query.all(Trade.class), 10)).hasSize(10);
        assertThat(space.count(Query.all(Trade.class))).isEqualTo(86);
        assertThat(space.clear(Query.of(Trade.class, "symbol = 'S3'"))).isPositive();
        assertThat(space.count(Query.of(Trade.class, "symbol = 'S3'"))).isZero();
    }

    @Test
    void anEntryCannotChangeItsRoutingValueInPlace() {
        space.write(new Order(1, 1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> space.write(new Order(1, 2)))
                .isInstanceOf(SpaceTypeException.class).hasMessageContaining("id=1").hasMessageContaining("routing value 1")
                .hasMessageContaining("routing value 2");
        assertThat(space.count(Query.all(Order.class))).isEqualTo(1);
        space.write(new Order(1, 5)); // 5 routes to the same partition as 1: an ordinary update
        assertThat(space.count(Query.all(Order.class))).isEqualTo(1);
        assertThat(space.takeById(Order.class, 1L)).isNotNull();
        space.write(new Order(1, 2)); // moved by take + write
        assertThat(space.readById(Order.class, 1L, 2)).isNotNull();
    }

    @Test
    void clusterInfoReportsTheLayout() {
        ClusterInfo info = space.clusterInfo();
        assertThat(info.numberOfInstances()).isEqualTo(4);
        assertThat(info.instanceId()).isZero();
        assertThat(info.backupId()).isZero();
    }
}
