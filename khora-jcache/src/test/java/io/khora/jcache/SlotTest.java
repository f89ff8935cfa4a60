package io.khora.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import javax.cache.expiry.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The decisions of the per-key step, each run as a step on a real cache's space. */
class SlotTest {
    @RegisterExtension
    final CacheFixture fixture = new CacheFixture(SlotTest.class);
    private final KhoraCache<String, String> cache = fixture.cache(true, false);

    private void step(String key, java.util.function.Consumer<Slot<String, String>> decision) {
        cache.step().run(key, s -> {
            decision.accept(s);
            return null;
        });
    }

    @Test
    void putCreatesAnAbsentEntryAndUpdatesAnExistingOneWritingBothThrough() {
        step("k", s -> s.put("v1", "v1"));
        step("k", s -> s.put("v2", "v2"));
        assertThat(cache.get("k")).isEqualTo("v2");
        assertThat(fixture.writer.calls).containsExactly("write k=v1", "write k=v2");
        assertThat(fixture.listener.events).containsExactly("CREATED k=v1", "UPDATED k=v2 (v1)");
        assertThat(CacheFixture.counts(cache)).as("hits, misses, puts, removals").containsExactly(1L, 0L, 2L, 0L);
    }

    @Test
    void aZeroCreationExpiryStoresNothingButStillWritesThrough() {
        fixture.expiry.creation = Duration.ZERO;
        step("k", s -> s.create("v", "v"));
        assertThat(cache.containsKey("k")).isFalse();
        assertThat(fixture.writer.store).containsEntry("k", "v");
        assertThat(fixture.listener.events).isEmpty();
    }

    @Test
    void aZeroUpdateExpiryWritesTheValueThroughThenRemovesTheEntryAsExpired() {
        step("k", s -> s.create("v1", "v1"));
        fixture.expiry.update = Duration.ZERO;
        step("k", s -> s.update("v2", "v2"));
        assertThat(cache.containsKey("k")).isFalse();
        assertThat(fixture.writer.calls).containsExactly("write k=v1", "write k=v2");
        assertThat(fixture.listener.events).containsExactly("CREATED k=v1", "UPDATED k=v2 (v1)", "EXPIRED k=v2");
    }

    @Test
    void removingAnAbsentKeyStillDeletesItFromTheStoreButRaisesNoEvent() {
        fixture.writer.store.put("k", "old");
        step("k", Slot::remove);
        assertThat(fixture.writer.store).isEmpty();
        assertThat(fixture.listener.events).isEmpty();
        step("k", s -> s.create("v", "v"));
        step("k", Slot::remove);
        assertThat(fixture.listener.events).containsExactly("CREATED k=v", "REMOVED k=v");
        assertThat(CacheFixture.counts(cache).get(3)).as("removals").isEqualTo(1L);
    }

    @Test
    void aZeroAccessExpiryExpiresTheEntryWithoutDeletingItFromTheStore() {
        step("k", s -> s.create("v", "v"));
        fixture.expiry.access = Duration.ZERO;
        step("k", Slot::accessed);
        assertThat(cache.containsKey("k")).isFalse();
        assertThat(fixture.writer.store).containsEntry("k", "v");
        assertThat(fixture.listener.events).containsExactly("CREATED k=v", "EXPIRED k=v");
    }

    @Test
    void aLoadedValueIsNeitherWrittenThroughNorCountedAsAPutAndReplacesOnlyIfAsked() {
        step("k", s -> s.loaded("a", "a", false));
        step("k", s -> s.loaded("b", "b", false));
        assertThat(cache.get("k")).isEqualTo("a");
        step("k", s -> s.loaded("c", "c", true));
        assertThat(cache.get("k")).isEqualTo("c");
        assertThat(fixture.writer.calls).isEmpty();
        assertThat(fixture.listener.events).containsExactly("CREATED k=a", "UPDATED k=c (a)");
        assertThat(CacheFixture.counts(cache).get(2)).as("puts").isZero();
    }

    @Test
    void hitOrMissCountsWhetherTheEntryExists() {
        step("k", Slot::hitOrMiss);
        step("k", s -> s.create("v", "v"));
        step("k", Slot::hitOrMiss);
        assertThat(CacheFixture.counts(cache)).containsExactly(1L, 1L, 1L, 0L);
    }
}
