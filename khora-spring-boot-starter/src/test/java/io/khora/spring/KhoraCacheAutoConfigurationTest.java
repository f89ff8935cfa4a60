package io.khora.spring;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KhoraCacheAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
            KhoraAutoConfiguration.class, KhoraCacheAutoConfiguration.class, CacheAutoConfiguration.class));

    /** A slow lookup, cached. */
    public static class Quotes {
        private final AtomicInteger calls = new AtomicInteger();

        /** How many calls were not answered from the cache. */
        public int calls() {
            return calls.get();
        }

        @Cacheable("quotes")
        public String quote(String symbol) {
            calls.incrementAndGet();
            return symbol + "=" + symbol.length();
        }

        @Cacheable("unlisted")
        public String unlisted(String key) {
            calls.incrementAndGet();
            return key;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class App {
        @Bean
        Quotes quotes() {
            return new Quotes();
        }
    }

    @Test
    void cacheableMethodsAreCachedInKhorasJCacheProvider() {
        runner.withUserConfiguration(App.class).withPropertyValues("khora.cache.names=quotes").run(context -> {
            assertThat(context.getBean(CacheManager.class)).isInstanceOf(KhoraSpringCacheManager.class);
            assertThat(context.getBean(javax.cache.CacheManager.class).getCachingProvider())
                    .isInstanceOf(io.khora.jcache.KhoraCachingProvider.class);
            Quotes q = context.getBean(Quotes.class);
            assertThat(q.quote("KHO")).isEqualTo("KHO=3");
            assertThat(q.quote("KHO")).isEqualTo("KHO=3");
            assertThat(q.quote("AB")).isEqualTo("AB=2");
            assertThat(q.calls()).isEqualTo(2);
            assertThat(context.getBean(javax.cache.CacheManager.class).getCache("quotes").get("KHO")).isEqualTo("KHO=3");
        });
    }

    @Test
    void anUnlistedCacheIsCreatedOnFirstUseUnlessDynamicIsOff() {
        runner.withUserConfiguration(App.class).run(context -> {
            Quotes q = context.getBean(Quotes.class);
            q.unlisted("a");
            q.unlisted("a");
            assertThat(q.calls()).isEqualTo(1);
        });
        runner.withUserConfiguration(App.class).withPropertyValues("khora.cache.dynamic=false").run(context ->
                assertThatThrownBy(() -> context.getBean(Quotes.class).unlisted("a")).hasMessageContaining("unlisted"));
    }

    @Test
    void withoutEnableCachingOrWhenSwitchedOffThereIsNoCacheManager() {
        runner.run(context -> assertThat(context).doesNotHaveBean(CacheManager.class));
        runner.withUserConfiguration(App.class).withPropertyValues("khora.cache.enabled=false", "spring.cache.type=none").run(context ->
                assertThat(context.getBean(CacheManager.class)).isNotInstanceOf(KhoraSpringCacheManager.class));
    }
}
