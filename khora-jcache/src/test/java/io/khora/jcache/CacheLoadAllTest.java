package io.khora.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CompletionListener;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CacheLoadAllTest {
    @RegisterExtension
    final CacheFixture fixture = new CacheFixture(CacheLoadAllTest.class);
    private final KhoraCache<String, String> cache = fixture.cache(true, false);

    /** Runs loadAll and waits for its completion listener; the failure it heard, or null. */
    private Exception loadAll(Set<String> keys, boolean replace) throws Exception {
        CompletableFuture<Exception> done = new CompletableFuture<>();
        cache.loadAll(keys, replace, new CompletionListener() {
            @Override
            public void onCompletion() {
                done.complete(null);
            }

            @Override
            public void onException(Exception e) {
                done.complete(e);
            }
        });
        return done.get(30, TimeUnit.SECONDS);
    }

    @Test
    void withoutReplacingOnlyTheMissingKeysAreLoadedAndNothingIsWrittenThrough() throws Exception {
        cache.put("a", "mine");
        assertThat(loadAll(Set.of("a", "b", "none-c"), false)).isNull();
        assertThat(cache.get("a")).isEqualTo("mine");
        assertThat(cache.get("b")).isEqualTo("loaded-b");
        assertThat(fixture.loader.loads.get()).as("a is not asked for").isEqualTo(2);
        assertThat(fixture.writer.calls).containsExactly("write a=mine");
        assertThat(fixture.listener.events).containsExactly("CREATED a=mine", "CREATED b=loaded-b");
    }

    @Test
    void replacingUpdatesTheExistingEntries() throws Exception {
        cache.put("a", "mine");
        assertThat(loadAll(Set.of("a"), true)).isNull();
        assertThat(cache.get("a")).isEqualTo("loaded-a");
        assertThat(fixture.listener.events).containsExactly("CREATED a=mine", "UPDATED a=loaded-a (mine)");
    }

    @Test
    void aLoaderFailureReachesTheCompletionListenerAsACacheLoaderException() throws Exception {
        fixture.loader.fail = true;
        assertThat(loadAll(Set.of("a"), false)).isInstanceOf(CacheLoaderException.class);
        assertThat(cache.containsKey("a")).isFalse();
        assertThat(List.copyOf(fixture.listener.events)).isEmpty();
    }
}
