package io.khora.spring;

import io.khora.Space;
import io.khora.persistence.SpaceDataSource;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The application's {@link Space}, unless it defines one: a cluster connection when {@code khora.uri}
 * is set, else an embedded space ({@code khora.embedded.*}, with the application's
 * {@link SpaceDataSource} and {@link SpaceSynchronizationEndpoint} beans if it has them, and its
 * {@link EmbeddedSpaceCustomizer}s). Startup waits until the space is READY
 * ({@code khora.ready-timeout}); the space closes with the context.
 */
@AutoConfiguration
@ConditionalOnClass(Space.class)
@EnableConfigurationProperties(KhoraProperties.class)
public class KhoraAutoConfiguration {
    /** The space {@code khora.*} describes. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(Space.class)
    public Space khoraSpace(KhoraProperties properties, ObjectProvider<SpaceDataSource> dataSource,
                            ObjectProvider<SpaceSynchronizationEndpoint> endpoint, ObjectProvider<EmbeddedSpaceCustomizer> customizers) {
        return SpaceFromProperties.start(properties, dataSource.getIfUnique(), endpoint.getIfUnique(), customizers.orderedStream().toList());
    }
}
