package io.khora.spring;

import io.khora.EmbeddedSpaceBuilder;
import io.khora.Space;
import io.khora.SpaceException;
import io.khora.Spaces;
import io.khora.persistence.SpaceDataSource;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Makes the application's {@link Space} from {@link KhoraProperties}: {@code Spaces.connect(khora.uri)}
 * when a URI is set, else an embedded space from {@code khora.embedded.*}; then waits up to
 * {@code khora.ready-timeout} for READY. A bad property fails with an error naming it.
 */
final class SpaceFromProperties {
    private static final Logger LOG = LoggerFactory.getLogger(SpaceFromProperties.class);

    private SpaceFromProperties() {
    }

    /**
     * The space {@code p} describes, READY.
     *
     * @param dataSource the application's data source bean, or null
     * @param endpoint the application's synchronization endpoint bean, or null
     * @param customizers applied to an embedded space's builder last
     */
    static Space start(KhoraProperties p, SpaceDataSource dataSource, SpaceSynchronizationEndpoint endpoint,
                       List<EmbeddedSpaceCustomizer> customizers) {
        Duration ready = p.getReadyTimeout();
        if (ready == null || ready.isNegative() || ready.isZero()) {
            throw new IllegalArgumentException("khora.ready-timeout must be positive, got " + ready);
        }
        Space space;
        if (p.getUri() != null && !p.getUri().isBlank()) {
            if (dataSource != null || endpoint != null) {
                LOG.info("khora.uri is set: the SpaceDataSource/SpaceSynchronizationEndpoint beans are not used (a cluster's nodes persist)");
            }
            space = property("khora.uri", () -> Spaces.connect(p.getUri()));
            LOG.info("connected to Khora space '{}' at {}", space.name(), redacted(p.getUri()));
        } else {
            space = embedded(p.getEmbedded(), dataSource, endpoint, customizers);
            LOG.info("started embedded Khora space '{}' ({} partitions)", space.name(), p.getEmbedded().getPartitions());
        }
        if (!space.waitForReady(ready)) {
            var state = space.state();
            space.close();
            throw new SpaceException("Khora space '" + space.name() + "' not READY within khora.ready-timeout=" + ready + " (state " + state + ")");
        }
        return space;
    }

    private static Space embedded(KhoraProperties.Embedded e, SpaceDataSource dataSource, SpaceSynchronizationEndpoint endpoint,
                                  List<EmbeddedSpaceCustomizer> customizers) {
        EmbeddedSpaceBuilder b = property("khora.embedded.name", () -> Spaces.embedded(e.getName()));
        property("khora.embedded.partitions", () -> b.partitions(e.getPartitions()));
        if (e.getCachePolicy() != null) {
            property("khora.embedded.cache-policy", () -> b.cachePolicy(e.getCachePolicy()));
        }
        if (e.getMaxEntries() != null) {
            property("khora.embedded.max-entries", () -> b.maxEntries(e.getMaxEntries()));
        }
        if (e.getSpaceWait() != null) {
            property("khora.embedded.space-wait", () -> b.spaceWait(e.getSpaceWait()));
        }
        if (dataSource != null) {
            b.dataSource(dataSource);
        }
        if (endpoint != null) {
            b.synchronizationEndpoint(endpoint);
        }
        customizers.forEach(c -> c.customize(b));
        return property("khora.embedded.*", b::start);
    }

    /** Runs {@code step}; an {@link IllegalArgumentException} or {@link IllegalStateException} it throws is rethrown naming {@code property}. */
    private static <T> T property(String property, Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException | IllegalStateException ex) {
            throw new IllegalArgumentException(property + ": " + ex.getMessage(), ex);
        }
    }

    /** The URI without its options (they may name credential files). */
    static String redacted(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q) + "?…";
    }
}
