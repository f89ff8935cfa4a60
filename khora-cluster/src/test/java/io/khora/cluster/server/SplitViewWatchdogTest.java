package io.khora.cluster.server;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SplitViewWatchdogTest {
    private static final long SECOND = 1_000_000_000L;

    /** A replica whose view and leader the test sets; counts its re-joins. */
    static final class Replica implements SplitViewWatchdog.Watched {
        final String key;
        List<String> view;
        boolean leader;
        int rejoins;

        Replica(String key, List<String> view, boolean leader) {
            this.key = key;
            this.view = view;
            this.leader = leader;
        }

        @Override
        public String key() {
            return key;
        }

        @Override
        public List<String> replicaNodes() {
            return List.of("n1", "n2", "n3");
        }

        @Override
        public List<String> groupView() {
            return view;
        }

        @Override
        public boolean knowsLeader() {
            return leader;
        }

        @Override
        public void rejoin() {
            rejoins++;
        }
    }

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private List<String> up = List.of("n1", "n2", "n3");
    private final List<Replica> replicas = new ArrayList<>();
    private final SplitViewWatchdog watchdog = new SplitViewWatchdog("n2", () -> up, () -> replicas, Duration.ofSeconds(6), now::get);

    private void advance(long seconds) {
        now.addAndGet(seconds * SECOND);
    }

    @Test
    void aReplicaAloneInItsViewWithNoLeaderRejoinsAfterTheGrace() {
        Replica alone = new Replica("p3", List.of("n2"), false);
        replicas.add(alone);
        assertThat(watchdog.checkOnce()).as("first seen split").isEmpty();
        advance(5);
        assertThat(watchdog.checkOnce()).as("within the grace").isEmpty();
        advance(1);
        assertThat(watchdog.checkOnce()).containsExactly("p3");
        assertThat(alone.rejoins).isEqualTo(1);
    }

    @Test
    void aHealedSplitWithinTheGraceIsLeftAlone() {
        Replica r = new Replica("p0", List.of("n2"), false);
        replicas.add(r);
        watchdog.checkOnce();
        advance(4);
        r.view = List.of("n1", "n2", "n3");
        watchdog.checkOnce();
        advance(4);
        r.view = List.of("n2"); // split again: the grace starts over
        watchdog.checkOnce();
        advance(5);
        assertThat(watchdog.checkOnce()).isEmpty();
        assertThat(r.rejoins).isZero();
    }

    @Test
    void aReplicaThatKnowsALeaderIsLeftAlone() {
        Replica r = new Replica("p0", List.of("n1", "n2"), true);
        replicas.add(r);
        for (int i = 0; i < 10; i++) {
            watchdog.checkOnce();
            advance(10);
        }
        assertThat(r.rejoins).as("the majority side keeps its leader").isZero();
    }

    @Test
    void theLargerSideNeverRejoinsEvenWithoutALeader() {
        Replica pair = new Replica("p0", List.of("n1", "n2"), false);
        replicas.add(pair);
        for (int i = 0; i < 10; i++) {
            watchdog.checkOnce();
            advance(10);
        }
        assertThat(pair.rejoins).isZero();
    }

    @Test
    void aMissingReplicaWhoseNodeIsDownIsNoSplit() {
        up = List.of("n2");
        Replica r = new Replica("p0", List.of("n2"), false);
        replicas.add(r);
        for (int i = 0; i < 10; i++) {
            watchdog.checkOnce();
            advance(10);
        }
        assertThat(r.rejoins).as("the others are down, not split off").isZero();
    }

    @Test
    void aReplicaNotConnectedIsLeftAlone() {
        Replica r = new Replica("p0", List.of(), false);
        replicas.add(r);
        for (int i = 0; i < 10; i++) {
            watchdog.checkOnce();
            advance(10);
        }
        assertThat(r.rejoins).isZero();
    }

    @Test
    void repeatedRejoinsBackOffUpToEightGracesAndStartOverOnceWhole() {
        Replica r = new Replica("p0", List.of("n2"), false);
        replicas.add(r);
        List<Long> rejoinedAt = new ArrayList<>();
        long start = now.get();
        for (int s = 0; s <= 200; s++) {
            if (!watchdog.checkOnce().isEmpty()) {
                rejoinedAt.add((now.get() - start) / SECOND);
            }
            advance(1);
        }
        assertThat(rejoinedAt).as("after 6, then 12, 24, 48, 48 … seconds more")
                .startsWith(6L, 19L, 44L, 93L, 142L);
        r.view = List.of("n1", "n2", "n3");
        watchdog.checkOnce();
        r.view = List.of("n2");
        watchdog.checkOnce();
        advance(6);
        assertThat(watchdog.checkOnce()).as("the back-off starts over once the view was whole").containsExactly("p0");
    }

    @Test
    void ofTwoEqualSidesTheOneWithoutTheLowestIdRejoins() {
        assertThat(SplitViewWatchdog.smallerSide(List.of("n3", "n4"), List.of("n1", "n2"))).isTrue();
        assertThat(SplitViewWatchdog.smallerSide(List.of("n1", "n2"), List.of("n3", "n4"))).isFalse();
        assertThat(SplitViewWatchdog.smallerSide(List.of("n2"), List.of("n1", "n3"))).isTrue();
        assertThat(SplitViewWatchdog.smallerSide(List.of("n1", "n3"), List.of("n2"))).isFalse();
    }

    @Test
    void onlyUpNodesOutsideTheViewAreMissing() {
        assertThat(SplitViewWatchdog.missing(List.of("n1", "n2", "n3"), List.of("n1", "n2"), List.of("n2")))
                .containsExactly("n1");
    }

    @Test
    void aZeroGraceIsRefused() {
        assertThatThrownBy(() -> new SplitViewWatchdog("n1", List::of, List::of, Duration.ZERO, System::nanoTime))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grace");
    }
}
