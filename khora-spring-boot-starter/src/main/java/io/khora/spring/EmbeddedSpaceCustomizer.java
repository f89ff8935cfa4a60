package io.khora.spring;

import io.khora.EmbeddedSpaceBuilder;

/**
 * A bean that adjusts the embedded space before it starts (what {@code khora.embedded.*} does not
 * cover: registered document types, write-behind, …). Customizers run in their {@code @Order}, after
 * the properties and the {@code SpaceDataSource}/{@code SpaceSynchronizationEndpoint} beans were applied.
 */
@FunctionalInterface
public interface EmbeddedSpaceCustomizer {
    /** Adjusts {@code builder}. */
    void customize(EmbeddedSpaceBuilder builder);
}
