package io.khora.cluster.server;

import io.khora.SpaceState;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class HealthWatchTest {
    private final List<String> warnings = new ArrayList<>();
    private final List<String> infos = new ArrayList<>();
    private final AtomicReference<List<HealthWatch.Sample>> samples = new AtomicReference<>(List.of());
    private final HealthWatch watch = new HealthWatch("n1", samples::get, warnings::add, infos::add);

    private static HealthWatch.Sample sample(SpaceState state, boolean leader, int inView, long backlog) {
        return new HealthWatch.Sample("orders", 2, state, leader, inView, 3, backlog, 1000);
    }

    @Test
    void aLostQuorumIsWarnedOnceAndItsRecoveryLoggedOnce() {
        samples.set(List.of(sample(SpaceState.RECOVER, false, 1, 0)));
        watch.run();
        watch.run();
        samples.set(List.of(sample(SpaceState.READY, false, 3, 0)));
        watch.run();
        watch.run();

        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).startsWith("node n1: space 'orders' partition 2: no serving leader known here (RECOVER)");
        assertThat(infos).containsExactly("node n1: space 'orders' partition 2: a serving leader is known again");
    }

    @Test
    void aLeaderMissingAReplicaIsUnderReplicatedAFollowerIsNot() {
        samples.set(List.of(sample(SpaceState.READY, false, 2, 0)));
        watch.run();
        assertThat(warnings).isEmpty();

        samples.set(List.of(sample(SpaceState.READY, true, 2, 0)));
        watch.run();
        assertThat(warnings).containsExactly("node n1: space 'orders' partition 2: under-replicated: 2 of 3 replicas in its group;"
                + " one more failure may lose its quorum");
    }

    @Test
    void anOutboxFourFifthsFullIsWarnedUntilItDrainsBelow() {
        samples.set(List.of(sample(SpaceState.READY, true, 3, 799)));
        watch.run();
        assertThat(warnings).isEmpty();

        samples.set(List.of(sample(SpaceState.READY, true, 3, 800)));
        watch.run();
        samples.set(List.of(sample(SpaceState.READY, true, 3, 950)));
        watch.run();
        assertThat(warnings).singleElement().asString().contains("outbox holds 800 of at most 1000 records");

        samples.set(List.of(sample(SpaceState.READY, true, 3, 10)));
        watch.run();
        assertThat(infos).singleElement().asString().contains("below 80% again (10 records)");
    }
}
