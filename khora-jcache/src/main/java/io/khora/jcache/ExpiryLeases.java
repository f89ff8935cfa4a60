package io.khora.jcache;

import io.khora.Lease;

import java.util.function.Function;

import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache's {@link ExpiryPolicy} as space leases. The policy's durations are asked for when a
 * mutation happens; a policy that throws is logged and treated as "no expiry" (creation) or "keep the
 * current lease" (update, access), as JSR-107 asks. A duration maps onto a lease by {@link #lease}.
 */
final class ExpiryLeases {
    private static final Logger LOG = LoggerFactory.getLogger(ExpiryLeases.class);

    private final String cacheName;
    private final ExpiryPolicy policy;

    /** @param policy the cache's policy, or null for none (entries never expire) */
    ExpiryLeases(String cacheName, ExpiryPolicy policy) {
        this.cacheName = cacheName;
        this.policy = policy;
    }

    /** The policy, or null: the cache closes it with the cache. */
    ExpiryPolicy policy() {
        return policy;
    }

    /** The creation duration: ETERNAL without a policy, for a null duration or when the policy throws. */
    Duration creation() {
        Duration d = ask(ExpiryPolicy::getExpiryForCreation, "getExpiryForCreation", "the entry does not expire");
        return d == null ? Duration.ETERNAL : d;
    }

    /** The update duration: null (keep the current lease) without a policy or when the policy throws. */
    Duration update() {
        return ask(ExpiryPolicy::getExpiryForUpdate, "getExpiryForUpdate", "the expiry is kept");
    }

    /** The access duration: null (keep the current lease) without a policy or when the policy throws. */
    Duration access() {
        return ask(ExpiryPolicy::getExpiryForAccess, "getExpiryForAccess", "the expiry is kept");
    }

    private Duration ask(Function<ExpiryPolicy, Duration> question, String method, String consequence) {
        if (policy == null) {
            return null;
        }
        try {
            return question.apply(policy);
        } catch (RuntimeException e) {
            LOG.warn("cache '{}': ExpiryPolicy.{} failed; {}", cacheName, method, consequence, e);
            return null;
        }
    }

    /** Whether {@code d} expires an entry at once. */
    static boolean isZero(Duration d) {
        return d != null && d.isZero();
    }

    /** The lease for a duration: null (keep the current lease) for null, FOREVER for ETERNAL, at least 1 ms. */
    static Lease lease(Duration d) {
        if (d == null) {
            return null;
        }
        if (d.isEternal()) {
            return Lease.FOREVER;
        }
        long ms = d.getTimeUnit().toMillis(d.getDurationAmount());
        return Lease.ofMillis(Math.max(1L, ms));
    }
}
