package io.khora.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.khora.SpaceException;

import java.util.concurrent.TimeUnit;

import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.expiry.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CacheListenersTest {
    @RegisterExtension
    final CacheFixture fixture = new CacheFixture(CacheListenersTest.class);
    private final KhoraCache<String, String> cache = fixture.cache(false, false);

    @Test
    void aConfigurationCanBeRegisteredOnceAndAfterDeregisteringHearsNothing() {
        CacheFixture.RecordingListener second = new CacheFixture.RecordingListener();
        MutableCacheEntryListenerConfiguration<String, String> c = new MutableCacheEntryListenerConfiguration<>(
                FactoryBuilder.factoryOf(second), null, false, true);
        cache.registerCacheEntryListener(c);
        assertThatThrownBy(() -> cache.registerCacheEntryListener(c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("registered already");
        cache.put("a", "1");
        cache.deregisterCacheEntryListener(c);
        cache.put("b", "2");
        assertThat(second.events).containsExactly("CREATED a=1");
        assertThat(cache.getConfiguration(javax.cache.configuration.CompleteConfiguration.class)
                .getCacheEntryListenerConfigurations()).hasSize(1);
    }

    @Test
    void afterTheSpaceEndsTheExpirySubscriptionTheCacheListensAgainAndLeaseExpiriesStillArrive() throws Exception {
        // what the space does when the cache's listeners fell too far behind
        cache.listeners().onTerminated(new SpaceException("listeners fell behind"));
        fixture.expiry.creation = new Duration(TimeUnit.MILLISECONDS, 50);
        cache.put("k", "v");
        assertThat(fixture.listener.expired.await(30, TimeUnit.SECONDS)).as("EXPIRED through the new subscription").isTrue();
        CacheFixture.RecordingListener listener = fixture.listener;
        assertThat(listener.events).containsExactly("CREATED k=v", "EXPIRED k=v");
    }
}
