package io.khora.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;

import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EntryProcessorRunsTest {
    @RegisterExtension
    final CacheFixture fixture = new CacheFixture(EntryProcessorRunsTest.class);

    @Test
    void theNetEffectIsAppliedOnceCreateThenRemoveInOneRunLeavesNothing() {
        KhoraCache<String, String> cache = fixture.cache(true, false);
        String r = cache.invoke("k", (e, args) -> {
            e.setValue("a");
            e.remove();
            return "ran with " + args[0];
        }, "x");
        assertThat(r).isEqualTo("ran with x");
        assertThat(cache.containsKey("k")).isFalse();
        assertThat(fixture.writer.calls).as("a create undone in the same run is neither written nor deleted").isEmpty();
        assertThat(fixture.listener.events).isEmpty();
    }

    @Test
    void aValueLoadedByTheProcessorIsStoredButNotWrittenThrough() {
        KhoraCache<String, String> cache = fixture.cache(true, true);
        String loaded = cache.invoke("k", (e, args) -> e.getValue());
        assertThat(loaded).isEqualTo("loaded-k");
        assertThat(cache.get("k")).isEqualTo("loaded-k");
        assertThat(fixture.writer.calls).isEmpty();
        assertThat(fixture.listener.events).containsExactly("CREATED k=loaded-k");
    }

    @Test
    void anUpdateIsWrittenThroughAndCountedAsAHitAndAPut() {
        KhoraCache<String, String> cache = fixture.cache(true, false);
        cache.put("k", "1");
        cache.invoke("k", (e, args) -> {
            e.setValue(e.getValue() + "+");
            return null;
        });
        assertThat(cache.get("k")).isEqualTo("1+");
        assertThat(fixture.writer.calls).containsExactly("write k=1", "write k=1+");
        assertThat(CacheFixture.counts(cache).subList(0, 3)).containsExactly(2L, 0L, 2L);
    }

    @Test
    void aProcessorsExceptionIsAnEntryProcessorExceptionAndInvokeAllKeepsItAsThatKeysResult() {
        KhoraCache<String, String> cache = fixture.cache(false, false);
        cache.put("bad", "v");
        assertThatThrownBy(() -> cache.invoke("bad", (e, args) -> {
            throw new IllegalArgumentException("no");
        })).isInstanceOf(EntryProcessorException.class).hasRootCauseMessage("no");
        Map<String, EntryProcessorResult<String>> results = cache.invokeAll(Set.of("bad", "good", "nothing"), (e, args) -> {
            if (e.getKey().equals("bad")) {
                throw new IllegalArgumentException("no");
            }
            return e.getKey().equals("good") ? "ok" : null;
        });
        assertThat(results).containsOnlyKeys("bad", "good");
        assertThat(results.get("good").get()).isEqualTo("ok");
        assertThatThrownBy(() -> results.get("bad").get()).isInstanceOf(EntryProcessorException.class);
        assertThat(cache.get("bad")).isEqualTo("v");
    }
}
