package io.khora.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.khora.Lease;

import java.util.concurrent.TimeUnit;

import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;

import org.junit.jupiter.api.Test;

class ExpiryLeasesTest {
    @Test
    void aNullDurationKeepsTheLeaseEternalIsForeverAndOthersAreTheirMilliseconds() {
        assertThat(ExpiryLeases.lease(null)).isNull();
        assertThat(ExpiryLeases.lease(Duration.ETERNAL)).isEqualTo(Lease.FOREVER);
        assertThat(ExpiryLeases.lease(new Duration(TimeUnit.SECONDS, 3))).isEqualTo(Lease.ofMillis(3000));
        assertThat(ExpiryLeases.lease(new Duration(TimeUnit.MILLISECONDS, 1))).isEqualTo(Lease.ofMillis(1));
    }

    @Test
    void onlyAZeroDurationExpiresAtOnce() {
        assertThat(ExpiryLeases.isZero(Duration.ZERO)).isTrue();
        assertThat(ExpiryLeases.isZero(null)).isFalse();
        assertThat(ExpiryLeases.isZero(Duration.ETERNAL)).isFalse();
    }

    @Test
    void withoutAPolicyEntriesAreCreatedEternalAndKeepTheirLeaseOnUpdateAndAccess() {
        ExpiryLeases leases = new ExpiryLeases("c", null);
        assertThat(leases.creation()).isEqualTo(Duration.ETERNAL);
        assertThat(leases.update()).isNull();
        assertThat(leases.access()).isNull();
    }

    @Test
    void aPolicyThatThrowsIsTreatedAsNoExpiryOnCreationAndAsKeepingTheLeaseOtherwise() {
        ExpiryPolicy failing = new ExpiryPolicy() {
            @Override
            public Duration getExpiryForCreation() {
                throw new IllegalStateException("creation");
            }

            @Override
            public Duration getExpiryForAccess() {
                throw new IllegalStateException("access");
            }

            @Override
            public Duration getExpiryForUpdate() {
                throw new IllegalStateException("update");
            }
        };
        ExpiryLeases leases = new ExpiryLeases("c", failing);
        assertThat(leases.creation()).isEqualTo(Duration.ETERNAL);
        assertThat(leases.update()).isNull();
        assertThat(leases.access()).isNull();
    }

    @Test
    void aPolicysDurationsAreAskedForAtEachMutation() {
        CacheFixture.FixedExpiry policy = new CacheFixture.FixedExpiry();
        ExpiryLeases leases = new ExpiryLeases("c", policy);
        policy.creation = null;
        policy.update = Duration.ZERO;
        policy.access = Duration.ONE_MINUTE;
        assertThat(leases.creation()).as("a null creation duration is eternal").isEqualTo(Duration.ETERNAL);
        assertThat(leases.update()).isEqualTo(Duration.ZERO);
        assertThat(leases.access()).isEqualTo(Duration.ONE_MINUTE);
    }
}
