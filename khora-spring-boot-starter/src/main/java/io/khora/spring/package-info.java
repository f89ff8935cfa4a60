/**
 * Spring Boot auto-configuration for Khora: a {@link io.khora.Space} bean from {@code khora.*}
 * properties (embedded, or a cluster connection with {@code khora.uri}), Spring Cache through
 * Khora's JCache provider, the Actuator health indicator {@code khora}, and Micrometer wiring.
 */
package io.khora.spring;
