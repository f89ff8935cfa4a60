package io.khora.spring;

import io.khora.Space;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The Actuator health indicator {@code khora} ({@link KhoraHealthIndicator}) when Actuator is on the
 * class path; off with {@code management.health.khora.enabled=false}.
 */
@AutoConfiguration(after = KhoraAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(Space.class)
@ConditionalOnEnabledHealthIndicator("khora")
public class KhoraHealthAutoConfiguration {
    /** The space's health, as {@code /actuator/health} shows it under "khora". */
    @Bean
    @ConditionalOnMissingBean(name = "khoraHealthIndicator")
    public KhoraHealthIndicator khoraHealthIndicator(Space space) {
        return new KhoraHealthIndicator(space);
    }
}
