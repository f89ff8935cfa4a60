package io.khora.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.cache.integration.CacheWriterException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AtomicStepTest {
    @RegisterExtension
    final CacheFixture fixture = new CacheFixture(AtomicStepTest.class);
    private final KhoraCache<String, String> cache = fixture.cache(true, false);

    @Test
    void aStepsResultIsReturnedAndItsEventsAreDispatchedOnlyAfterTheSpaceAppliedIt() {
        String result = cache.step().run("k", s -> {
            s.create("v", "v");
            assertThat(fixture.listener.events).as("not yet: the change is not applied").isEmpty();
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(fixture.listener.events).containsExactly("CREATED k=v");
    }

    @Test
    void aWriterRefusalLeavesTheEntryAsItWasAndNeitherDispatchesNorCounts() {
        cache.put("k", "v1");
        fixture.writer.refuse = true;
        assertThatThrownBy(() -> cache.step().run("k", s -> {
            s.update("v2", "v2");
            return null;
        })).isInstanceOf(CacheWriterException.class);
        fixture.writer.refuse = false;
        assertThat(cache.get("k")).isEqualTo("v1");
        assertThat(fixture.listener.events).containsExactly("CREATED k=v1");
        assertThat(CacheFixture.counts(cache).get(2)).as("puts").isEqualTo(1L);
    }

    @Test
    void aCallBackIntoTheCacheFromInsideAStepIsRefusedNamingTheCache() {
        assertThatThrownBy(() -> cache.step().run("a", s -> {
            cache.step().run("b", t -> null);
            return null;
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("'" + cache.getName() + "'")
                .hasMessageContaining("called back");
        cache.put("a", "still usable");
        assertThat(cache.get("a")).isEqualTo("still usable");
    }

    @Test
    void stepsOnOneKeyFromManyThreadsAreAtomic() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        cache.step().run("n", s -> {
                            String v = String.valueOf(s.exists() ? Integer.parseInt(s.value()) + 1 : 1);
                            s.put(v, v);
                            return null;
                        });
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(cache.get("n")).isEqualTo("2000");
    }
}
