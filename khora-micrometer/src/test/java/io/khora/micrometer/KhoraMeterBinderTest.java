package io.khora.micrometer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class KhoraMeterBinderTest {
    @Test
    void sourcesGaugesAndCountersReadTheirCurrentValues() {
        AtomicLong term = new AtomicLong(3);
        AtomicLong expired = new AtomicLong(5);
        KhoraMeterBinder binder = new KhoraMeterBinder(r -> {
            r.gauge("khora.raft.term", "term", Map.of("space", "orders", "partition", "0"), term::get);
            r.counter("khora.leases.expired", "expired", Map.of("space", "orders"), expired::get);
        });
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        binder.bindTo(registry);
        System.gc();
        term.set(4);
        expired.set(9);

        assertThat(registry.get("khora.raft.term").tag("partition", "0").gauge().value()).isEqualTo(4.0);
        assertThat(registry.get("khora.leases.expired").tag("space", "orders").functionCounter().count()).isEqualTo(9.0);
    }

    @Test
    void operationsAreTimedPerSpaceOperationAndOutcome() {
        KhoraMeterBinder binder = new KhoraMeterBinder();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        binder.bindTo(registry);

        binder.operation("orders", "write", "ok", TimeUnit.MILLISECONDS.toNanos(2));
        binder.operation("orders", "write", "ok", TimeUnit.MILLISECONDS.toNanos(4));
        binder.operation("orders", "write", "not_leader", 1_000);

        var ok = registry.get(KhoraMeterBinder.OPERATION).tags("space", "orders", "operation", "write", "outcome", "ok").timer();
        assertThat(ok.count()).isEqualTo(2);
        assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(6.0);
        assertThat(registry.get(KhoraMeterBinder.OPERATION).tag("outcome", "not_leader").timer().count()).isEqualTo(1);
    }

    @Test
    void meterCreatedBeforeARegistryIsBoundAppearsInIt() {
        KhoraMeterBinder binder = new KhoraMeterBinder();
        binder.clientRetry("orders");
        binder.clientOutcome("orders", "unknown");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        binder.bindTo(registry);
        binder.clientRetry("orders");

        assertThat(registry.get(KhoraMeterBinder.CLIENT_RETRIES).counter().count()).isEqualTo(1.0);
        assertThat(registry.get(KhoraMeterBinder.CLIENT_CALLS).tag("outcome", "unknown").counter()).isNotNull();
    }

    @Test
    void initialLoadCountsRowsAndKeepsTheLastRate() {
        KhoraMeterBinder binder = new KhoraMeterBinder();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        binder.bindTo(registry);

        binder.initialLoad("orders", 1, 50_000, TimeUnit.MILLISECONDS.toNanos(500));

        assertThat(registry.get(KhoraMeterBinder.INITIAL_LOAD_ROWS).tag("partition", "1").counter().count()).isEqualTo(50_000.0);
        assertThat(registry.get(KhoraMeterBinder.INITIAL_LOAD_RATE).tag("partition", "1").gauge().value()).isEqualTo(100_000.0);
    }
}
