package io.khora.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriterException;

import org.junit.jupiter.api.Test;

class CacheIntegrationTest {
    @Test
    void aFailingLoaderComesOutAsACacheLoaderExceptionNamingTheCallTheKeyAndTheCache() {
        CacheFixture.MapLoader loader = new CacheFixture.MapLoader();
        loader.fail = true;
        CacheIntegration<String, String> i = new CacheIntegration<>("books", loader, null);
        assertThatThrownBy(() -> i.load("k1")).isInstanceOf(CacheLoaderException.class)
                .hasMessageContaining("CacheLoader.load(k1)").hasMessageContaining("'books'")
                .hasRootCauseMessage("the loader is down");
        assertThatThrownBy(() -> i.loadAll(List.of("k1"))).isInstanceOf(CacheLoaderException.class)
                .hasMessageContaining("CacheLoader.loadAll").hasMessageContaining("'books'");
    }

    @Test
    void aLoadersOwnCacheLoaderExceptionPassesUnchanged() {
        CacheLoaderException own = new CacheLoaderException("mine");
        CacheIntegration<String, String> i = new CacheIntegration<>("c", new CacheLoader<>() {
            @Override
            public String load(String key) {
                throw own;
            }

            @Override
            public Map<String, String> loadAll(Iterable<? extends String> keys) {
                return null;
            }
        }, null);
        assertThatThrownBy(() -> i.load("k")).isSameAs(own);
        assertThat(i.loadAll(List.of("k"))).as("a null loadAll result is an empty map").isEmpty();
    }

    @Test
    void aFailingWriterComesOutAsACacheWriterExceptionNamingTheCallTheKeyAndTheCache() {
        CacheFixture.RecordingWriter writer = new CacheFixture.RecordingWriter();
        CacheIntegration<String, String> i = new CacheIntegration<>("books", null, writer);
        i.write("a", "1");
        i.delete("b");
        assertThat(writer.calls).containsExactly("write a=1", "delete b");
        writer.refuse = true;
        assertThatThrownBy(() -> i.write("a", "2")).isInstanceOf(CacheWriterException.class)
                .hasMessageContaining("CacheWriter.write(a)").hasMessageContaining("'books'");
        assertThatThrownBy(() -> i.delete("a")).isInstanceOf(CacheWriterException.class)
                .hasMessageContaining("CacheWriter.delete(a)");
        assertThat(i.hasLoader()).isFalse();
        assertThat(i.hasWriter()).isTrue();
    }
}
