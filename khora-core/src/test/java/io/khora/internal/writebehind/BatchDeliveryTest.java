package io.khora.internal.writebehind;

import io.khora.internal.engine.Change;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.khora.persistence.DataSyncOperationType.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

class BatchDeliveryTest {

    private static List<Consolidator.Merged> batch(int n) {
        List<Change> raw = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            raw.add(ConsolidatorTest.c(i, WRITE, i, 1));
        }
        return Consolidator.consolidate(raw, 0);
    }

    /** A store that refuses any batch containing a bad id, or everything while down. */
    static class Store implements BatchDelivery.Sender {
        final Set<Long> bad;
        boolean down;
        final List<Long> applied = new ArrayList<>();
        int calls;

        Store(Set<Long> bad) {
            this.bad = bad;
        }

        @Override
        public void send(List<Change> changes) {
            calls++;
            if (down) {
                throw new IllegalStateException("down");
            }
            for (Change c : changes) {
                if (bad.contains((Long) c.entry().id())) {
                    throw new IllegalArgumentException("bad " + c.entry().id());
                }
            }
            changes.forEach(c -> applied.add((Long) c.entry().id()));
        }
    }

    @Test
    void oneBadChangeIsIsolatedAndEverythingElseIsApplied() {
        Store store = new Store(Set.of(37L));
        BatchDelivery.Outcome o = BatchDelivery.deliver(batch(100), store, 3, s -> { });
        assertThat(o.complete()).isTrue();
        assertThat(o.deadLetters()).extracting(f -> f.merged().change().entry().id()).containsExactly(37L);
        assertThat(store.applied).hasSize(99).doesNotContain(37L).isSorted();
        assertThat(store.calls).as("isolation costs O(log n) calls").isLessThan(30);
    }

    @Test
    void adjacentBadChangesAreAllIsolated() {
        Store store = new Store(Set.of(10L, 11L, 12L, 50L));
        BatchDelivery.Outcome o = BatchDelivery.deliver(batch(60), store, 8, s -> { });
        assertThat(o.complete()).isTrue();
        assertThat(o.deadLetters()).extracting(f -> f.merged().change().entry().id()).containsExactly(10L, 11L, 12L, 50L);
        assertThat(store.applied).hasSize(56);
    }

    @Test
    void aDownStoreDeadLettersNothingAndCostsFewCalls() {
        Store store = new Store(Set.of());
        store.down = true;
        BatchDelivery.Outcome o = BatchDelivery.deliver(batch(1000), store, 3, s -> { });
        assertThat(o.complete()).isFalse();
        assertThat(o.deadLetters()).isEmpty();
        assertThat(o.done()).containsOnly(false);
        assertThat(store.calls).isLessThan(25);
        assertThat(o.lastError()).hasMessage("down");
    }

    @Test
    void aStoreThatDiesMidwayKeepsTheUnsentTailForTheNextRound() {
        Store store = new Store(Set.of()) {
            @Override
            public void send(List<Change> changes) {
                if (applied.size() >= 40) {
                    down = true;
                }
                super.send(changes);
            }
        };
        List<Consolidator.Merged> b = batch(100);
        BatchDelivery.Outcome first = BatchDelivery.deliver(b, store, 3, s -> { });
        assertThat(first.deadLetters()).isEmpty();
        int done = 0;
        while (done < 100 && first.done()[done]) {
            done++;
        }
        assertThat(store.applied).hasSize(done);
        for (int i = done; i < 100; i++) {
            assertThat(first.done()[i]).as("entry %d after the outage is not done", i).isFalse();
        }
    }

    @Test
    void aLoneRefusedChangeIsRetriedNotDeadLettered() {
        Store store = new Store(Set.of()) {
            @Override
            public void send(List<Change> changes) {
                throw new IllegalStateException("refused for an unknown reason");
            }
        };
        BatchDelivery.Outcome o = BatchDelivery.deliver(batch(1), store, 3, s -> { });
        assertThat(o.complete()).isFalse();
        assertThat(o.deadLetters()).as("no later success proves the store up").isEmpty();
    }

    @Test
    void anUnavailableStoreStopsTheRoundAtTheFirstRefusalAndSuspectsNothing() {
        Store store = new Store(Set.of()) {
            @Override
            public void send(List<Change> changes) {
                calls++;
                throw new IllegalStateException("cannot connect", new java.sql.SQLException("Connection refused", "08001"));
            }
        };
        BatchDelivery.Outcome o = BatchDelivery.deliver(batch(500), store, 3, s -> { });
        assertThat(store.calls).isEqualTo(1);
        assertThat(o.deadLetters()).isEmpty();
        assertThat(o.done()).containsOnly(false);
    }

    @Test
    void aStoreComingBackDuringARoundNeverTurnsATransientRefusalIntoADeadLetter() {
        // refuses change 11 once as "connection refused" (the store restarts), then accepts everything
        Store store = new Store(Set.of()) {
            boolean refused;

            @Override
            public void send(List<Change> changes) {
                if (!refused && changes.stream().anyMatch(c -> Long.valueOf(11L).equals(c.entry().id()))) {
                    refused = true;
                    throw new IllegalStateException("refused", new java.sql.SQLException("Connection refused", "08001"));
                }
                super.send(changes);
            }
        };
        List<Consolidator.Merged> b = batch(30);
        BatchDelivery.Outcome first = BatchDelivery.deliver(b, store, 3, s -> { });
        assertThat(first.deadLetters()).isEmpty();
        assertThat(first.complete()).isFalse();
        List<Consolidator.Merged> rest = new java.util.ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            if (!first.done()[i]) {
                rest.add(b.get(i));
            }
        }
        BatchDelivery.Outcome second = BatchDelivery.deliver(rest, store, 3, s -> { });
        assertThat(second.complete()).isTrue();
        assertThat(second.deadLetters()).isEmpty();
        assertThat(store.applied).hasSize(30).contains(11L);
    }

    @Test
    void aBadDataRefusalIsSetAsideAtOnce() {
        Store store = new Store(Set.of()) {
            @Override
            public void send(List<Change> changes) {
                if (changes.stream().anyMatch(c -> Long.valueOf(30L).equals(c.entry().id()))) {
                    throw new IllegalStateException("rejected", new java.sql.SQLException("violates check constraint", "23514"));
                }
                super.send(changes);
            }
        };
        BatchDelivery.Outcome o = BatchDelivery.deliver(batch(30), store, 3, s -> { });
        assertThat(o.complete()).as("the last change is bad data: no later success is needed").isTrue();
        assertThat(o.deadLetters()).extracting(f -> f.merged().change().entry().id()).containsExactly(30L);
    }

    @Test
    void anErrorFromTheEndpointCountsAsUnavailable() {
        Store store = new Store(Set.of()) {
            @Override
            public void send(List<Change> changes) {
                throw new AssertionError("driver state");
            }
        };
        BatchDelivery.Outcome o = BatchDelivery.deliver(batch(5), store, 3, s -> { });
        assertThat(o.deadLetters()).isEmpty();
        assertThat(o.done()).containsOnly(false);
        assertThat(o.lastError()).hasMessageContaining("driver state");
    }
}
