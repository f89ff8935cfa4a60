package io.khora.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.cache.expiry.Duration;
import javax.cache.integration.CacheLoaderException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CacheReadsTest {
    @RegisterExtension
    final CacheFixture fixture = new CacheFixture(CacheReadsTest.class);

    @Test
    void aReadThroughMissLoadsOnceCountsAMissAndAnnouncesTheEntryAsCreated() {
        KhoraCache<String, String> cache = fixture.cache(true, true);
        assertThat(cache.get("k")).isEqualTo("loaded-k");
        assertThat(cache.get("k")).isEqualTo("loaded-k");
        assertThat(fixture.loader.loads.get()).isEqualTo(1);
        assertThat(fixture.listener.events).containsExactly("CREATED k=loaded-k");
        assertThat(fixture.writer.calls).as("a load is not written back").isEmpty();
        assertThat(CacheFixture.counts(cache)).as("hits, misses, puts, removals").containsExactly(1L, 1L, 0L, 0L);
    }

    @Test
    void getAllLoadsTheMissingKeysAndLeavesOutWhatTheLoaderDoesNotHave() {
        KhoraCache<String, String> cache = fixture.cache(false, true);
        cache.put("a", "in memory");
        Map<String, String> all = cache.getAll(Set.of("a", "b", "none-c"));
        assertThat(all).containsOnly(Map.entry("a", "in memory"), Map.entry("b", "loaded-b"));
        assertThat(CacheFixture.counts(cache).subList(0, 2)).as("hits, misses").isEqualTo(List.of(1L, 2L));
    }

    @Test
    void aLoadedEntryWithAZeroCreationExpiryIsReturnedButNotKept() {
        KhoraCache<String, String> cache = fixture.cache(false, true);
        fixture.expiry.creation = Duration.ZERO;
        assertThat(cache.get("k")).isEqualTo("loaded-k");
        assertThat(cache.containsKey("k")).isFalse();
        assertThat(fixture.listener.events).isEmpty();
    }

    @Test
    void containsKeyNeitherLoadsNorCountsNorTouches() {
        KhoraCache<String, String> cache = fixture.cache(false, true);
        fixture.expiry.access = Duration.ZERO;
        assertThat(cache.containsKey("k")).isFalse();
        cache.put("p", "v");
        assertThat(cache.containsKey("p")).isTrue();
        assertThat(cache.containsKey("p")).isTrue();
        assertThat(fixture.loader.loads.get()).isZero();
        assertThat(CacheFixture.counts(cache).subList(0, 2)).isEqualTo(List.of(0L, 0L));
    }

    @Test
    void aReadAppliesTheAccessExpiryAndAFailingLoaderIsACacheLoaderException() {
        KhoraCache<String, String> cache = fixture.cache(false, true);
        cache.put("k", "v");
        fixture.expiry.access = Duration.ZERO;
        assertThat(cache.get("k")).isEqualTo("v");
        assertThat(cache.containsKey("k")).isFalse();
        fixture.loader.fail = true;
        assertThatThrownBy(() -> cache.get("x")).isInstanceOf(CacheLoaderException.class).hasMessageContaining("CacheLoader.load(x)");
    }
}
