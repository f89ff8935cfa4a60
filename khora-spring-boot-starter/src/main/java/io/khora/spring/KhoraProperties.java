package io.khora.spring;

import io.khora.CachePolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code khora.*} properties: which space the application gets (a cluster connection with
 * {@code khora.uri}, else an embedded space from {@code khora.embedded.*}), how long startup waits
 * for it to be READY, and the Spring Cache caches ({@code khora.cache.*}).
 */
@ConfigurationProperties(prefix = "khora")
public class KhoraProperties {
    /** The cluster to connect to, {@code khora://host:port[,host:port…]/space[?options]}; unset: an embedded space. */
    private String uri;
    /** How long startup waits for the space to be READY before it fails. */
    private Duration readyTimeout = Duration.ofSeconds(60);
    private final Embedded embedded = new Embedded();
    private final Cache cache = new Cache();

    /** @return the cluster URI, or null for an embedded space */
    public String getUri() {
        return uri;
    }

    /** @param uri the cluster URI ({@code khora://…}) */
    public void setUri(String uri) {
        this.uri = uri;
    }

    /** @return how long startup waits for READY */
    public Duration getReadyTimeout() {
        return readyTimeout;
    }

    /** @param readyTimeout how long startup waits for READY (positive) */
    public void setReadyTimeout(Duration readyTimeout) {
        this.readyTimeout = readyTimeout;
    }

    /** @return the embedded space's settings */
    public Embedded getEmbedded() {
        return embedded;
    }

    /** @return the Spring Cache settings */
    public Cache getCache() {
        return cache;
    }

    /** An embedded space ({@code khora.embedded.*}), used when {@code khora.uri} is not set. */
    public static class Embedded {
        /** The space's name. */
        private String name = "khora";
        /** Partitions (each its own engine); at least 1. */
        private int partitions = 1;
        /** ALL_IN_CACHE (the default) or LRU (then with max-entries). */
        private CachePolicy cachePolicy;
        /** With LRU: the most entries kept. */
        private Integer maxEntries;
        /** How long an operation waits for READY outside it before it fails. */
        private Duration spaceWait;

        /** @return the space's name */
        public String getName() {
            return name;
        }

        /** @param name the space's name */
        public void setName(String name) {
            this.name = name;
        }

        /** @return the partitions */
        public int getPartitions() {
            return partitions;
        }

        /** @param partitions the partitions (at least 1) */
        public void setPartitions(int partitions) {
            this.partitions = partitions;
        }

        /** @return the cache policy, or null for the space's default */
        public CachePolicy getCachePolicy() {
            return cachePolicy;
        }

        /** @param cachePolicy ALL_IN_CACHE or LRU */
        public void setCachePolicy(CachePolicy cachePolicy) {
            this.cachePolicy = cachePolicy;
        }

        /** @return the most entries (LRU), or null */
        public Integer getMaxEntries() {
            return maxEntries;
        }

        /** @param maxEntries the most entries (LRU) */
        public void setMaxEntries(Integer maxEntries) {
            this.maxEntries = maxEntries;
        }

        /** @return the space wait, or null for the space's default */
        public Duration getSpaceWait() {
            return spaceWait;
        }

        /** @param spaceWait how long an operation waits for READY */
        public void setSpaceWait(Duration spaceWait) {
            this.spaceWait = spaceWait;
        }
    }

    /** Spring Cache through Khora's JCache provider ({@code khora.cache.*}), active with {@code @EnableCaching}. */
    public static class Cache {
        /** Whether the starter provides the CacheManager. */
        private boolean enabled = true;
        /** Caches created at startup. */
        private List<String> names = new ArrayList<>();
        /** Whether a cache not in {@code names} is created on its first use (else using it fails). */
        private boolean dynamic = true;

        /** @return whether the starter provides the CacheManager */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether the starter provides the CacheManager */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the caches created at startup */
        public List<String> getNames() {
            return names;
        }

        /** @param names the caches created at startup */
        public void setNames(List<String> names) {
            this.names = names;
        }

        /** @return whether unknown caches are created on first use */
        public boolean isDynamic() {
            return dynamic;
        }

        /** @param dynamic whether unknown caches are created on first use */
        public void setDynamic(boolean dynamic) {
            this.dynamic = dynamic;
        }
    }
}
