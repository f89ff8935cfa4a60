package io.khora.micrometer;

import io.khora.ClusterInfo;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.annotation.SpaceId;
import io.khora.persistence.DataIterator;
import io.khora.persistence.SpaceDataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** An embedded space with {@code metrics(binder)} reports each partition's initial load: its rows and its rate. */
class EmbeddedInitialLoadMetersTest {
    /** A row. */
    public record Row(@SpaceId Integer id) {
    }

    /** 1,000 rows, each partition reading its own (id mod partitions). */
    static final class Rows extends SpaceDataSource {
        @Override
        public DataIterator<Object> initialDataLoad(ClusterInfo partition) {
            List<Object> mine = IntStream.range(0, 1000).filter(i -> Math.floorMod(Integer.hashCode(i), partition.numberOfInstances())
                    == partition.instanceId() - 1).mapToObj(Row::new).map(Object.class::cast).toList();
            return DataIterator.of(mine.iterator());
        }
    }

    @Test
    void eachPartitionsLoadIsCountedAndRated() throws Exception {
        KhoraMeterBinder binder = new KhoraMeterBinder();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        binder.bindTo(registry);
        try (Space space = Spaces.embedded("loaded").partitions(2).dataSource(new Rows()).metrics(binder).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(60))).isTrue();
            assertThat(space.count(io.khora.Query.all(Row.class))).isEqualTo(1000);
        }
        double rows = registry.get(KhoraMeterBinder.INITIAL_LOAD_ROWS).counters().stream().mapToDouble(c -> c.count()).sum();
        assertThat(rows).isEqualTo(1000);
        assertThat(registry.get(KhoraMeterBinder.INITIAL_LOAD_RATE).tag("partition", "0").gauge().value()).isPositive();
        assertThat(registry.get(KhoraMeterBinder.INITIAL_LOAD_RATE).tag("space", "loaded").gauges()).hasSize(2);
    }
}
