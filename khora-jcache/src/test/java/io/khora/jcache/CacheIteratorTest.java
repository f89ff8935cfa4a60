package io.khora.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import javax.cache.Cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CacheIteratorTest {
    @RegisterExtension
    final CacheFixture fixture = new CacheFixture(CacheIteratorTest.class);
    private final KhoraCache<String, String> cache = fixture.cache(true, false);

    @Test
    void anEntryRemovedAfterTheIteratorWasMadeIsSkippedAndEachEntryReturnedIsAHit() {
        cache.put("a", "1");
        cache.put("b", "2");
        Iterator<Cache.Entry<String, String>> it = cache.iterator();
        cache.remove("b");
        List<String> seen = new ArrayList<>();
        it.forEachRemaining(e -> seen.add(e.getKey() + "=" + e.getValue()));
        assertThat(seen).containsExactly("a=1");
        assertThat(CacheFixture.counts(cache).get(0)).as("hits").isEqualTo(1L);
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void removeRemovesTheLastEntryReturnedOnceAndIsWrittenThrough() {
        cache.put("a", "1");
        Iterator<Cache.Entry<String, String>> it = cache.iterator();
        assertThatThrownBy(it::remove).isInstanceOf(IllegalStateException.class).hasMessageContaining("next()");
        it.next();
        it.remove();
        assertThatThrownBy(it::remove).isInstanceOf(IllegalStateException.class);
        assertThat(cache.containsKey("a")).isFalse();
        assertThat(fixture.writer.calls).containsExactly("write a=1", "delete a");
    }

    @Test
    void anIteratorOfAClosedCacheRefusesToGoOn() {
        cache.put("a", "1");
        Iterator<Cache.Entry<String, String>> it = cache.iterator();
        cache.close();
        assertThatThrownBy(it::hasNext).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    }
}
