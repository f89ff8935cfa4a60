package io.khora.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.cache.expiry.Duration;
import javax.cache.integration.CacheWriterException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CacheWritesTest {
    @RegisterExtension
    final CacheFixture fixture = new CacheFixture(CacheWritesTest.class);
    private final KhoraCache<String, String> cache = fixture.cache(true, false);

    @Test
    void getAndPutAndGetAndReplaceReturnTheOldValueAndCountAHitOrAMiss() {
        assertThat(cache.getAndPut("k", "v1")).isNull();
        assertThat(cache.getAndPut("k", "v2")).isEqualTo("v1");
        assertThat(cache.getAndReplace("absent", "x")).isNull();
        assertThat(cache.getAndReplace("k", "v3")).isEqualTo("v2");
        assertThat(CacheFixture.counts(cache)).as("hits, misses, puts, removals").containsExactly(2L, 2L, 3L, 0L);
        assertThat(cache.containsKey("absent")).isFalse();
    }

    @Test
    void putIfAbsentAndReplaceDecideOnWhetherTheKeyExists() {
        assertThat(cache.replace("k", "v0")).isFalse();
        assertThat(cache.putIfAbsent("k", "v1")).isTrue();
        assertThat(cache.putIfAbsent("k", "v2")).isFalse();
        assertThat(cache.replace("k", "v3")).isTrue();
        assertThat(cache.get("k")).isEqualTo("v3");
        assertThat(fixture.writer.calls).containsExactly("write k=v1", "write k=v3");
    }

    @Test
    void aConditionalReplaceOrRemoveWithAWrongOldValueChangesNothingButAppliesTheAccessExpiry() {
        cache.put("k", "v");
        fixture.expiry.access = Duration.ZERO;
        assertThat(cache.replace("k", "wrong", "x")).isFalse();
        assertThat(cache.containsKey("k")).as("accessed with a ZERO access expiry: expired").isFalse();
        fixture.expiry.access = null;
        cache.put("k", "v");
        assertThat(cache.remove("k", "wrong")).isFalse();
        assertThat(cache.replace("k", "v", "w")).isTrue();
        assertThat(cache.remove("k", "w")).isTrue();
        assertThat(fixture.listener.events).containsExactly("CREATED k=v", "EXPIRED k=v", "CREATED k=v",
                "UPDATED k=w (v)", "REMOVED k=w");
    }

    @Test
    void removeAndGetAndRemoveDeleteAbsentKeysFromTheStoreToo() {
        fixture.writer.store.put("gone", "x");
        assertThat(cache.remove("gone")).isFalse();
        assertThat(fixture.writer.store).isEmpty();
        cache.put("k", "v");
        assertThat(cache.getAndRemove("k")).isEqualTo("v");
        assertThat(cache.getAndRemove("k")).isNull();
        assertThat(fixture.writer.calls).containsExactly("delete gone", "write k=v", "delete k", "delete k");
    }

    @Test
    void putAllPutsTheOtherEntriesWhenTheWriterRefusesOneAndRethrowsTheFirstFailure() {
        cache.put("b", "old");
        fixture.writer.refuse = true;
        Map<String, String> m = new LinkedHashMap<>();
        m.put("a", "1");
        m.put("b", "2");
        assertThatThrownBy(() -> cache.putAll(m)).isInstanceOf(CacheWriterException.class);
        fixture.writer.refuse = false;
        assertThat(cache.get("b")).isEqualTo("old");
        assertThat(cache.containsKey("a")).isFalse();
        cache.putAll(m);
        assertThat(cache.getAll(Set.of("a", "b"))).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));
    }

    @Test
    void removeAllOfKeysDeletesAbsentOnesButRemoveAllOfEverythingDoesNotAndClearWritesNothing() {
        cache.put("a", "1");
        cache.put("b", "2");
        cache.removeAll(Set.of("a", "absent"));
        assertThat(fixture.writer.calls).contains("delete a", "delete absent");
        cache.removeAll();
        assertThat(fixture.writer.calls).endsWith("delete b");
        cache.put("c", "3");
        int calls = fixture.writer.calls.size();
        cache.clear();
        assertThat(cache.containsKey("c")).isFalse();
        assertThat(fixture.writer.calls).hasSize(calls);
        assertThat(fixture.writer.store).containsEntry("c", "3");
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingChanges() {
        assertThatThrownBy(() -> cache.put(null, "v")).isInstanceOf(NullPointerException.class).hasMessage("key must not be null");
        assertThatThrownBy(() -> cache.replace("k", null, "v")).isInstanceOf(NullPointerException.class)
                .hasMessage("value must not be null");
        @SuppressWarnings({"unchecked", "rawtypes"})
        KhoraCache<Object, Object> raw = (KhoraCache) cache;
        assertThatThrownBy(() -> raw.put(1, "v")).isInstanceOf(ClassCastException.class)
                .hasMessageContaining("has keys of java.lang.String, not java.lang.Integer");
        assertThat(fixture.writer.calls).isEmpty();
    }
}
