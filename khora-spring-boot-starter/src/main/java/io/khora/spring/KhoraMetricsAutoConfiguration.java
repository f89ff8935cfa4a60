package io.khora.spring;

import io.khora.Space;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer wiring, when Micrometer is on the class path: the space's state gauge
 * ({@link SpaceStateMeterBinder}) as a {@link MeterBinder} bean. Spring Boot Actuator binds every
 * {@code MeterBinder} bean to its registries — this one, and any other the application declares
 * (such as Khora's own instrumentation of the space). Without Actuator's metrics auto-configuration,
 * the {@code MeterBinder} beans are bound here to the {@link MeterRegistry} beans.
 */
@AutoConfiguration(after = KhoraAutoConfiguration.class,
        afterName = "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(Space.class)
public class KhoraMetricsAutoConfiguration {
    /** The {@code khora.space.state} gauge. */
    @Bean
    @ConditionalOnMissingBean(SpaceStateMeterBinder.class)
    public SpaceStateMeterBinder khoraSpaceStateMeterBinder(Space space) {
        return new SpaceStateMeterBinder(space);
    }

    /** Binds the MeterBinder beans to the MeterRegistry beans where Actuator's metrics auto-configuration does not. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass("org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration")
    static class WithoutActuatorMetrics {
        @Bean
        static SmartInitializingSingleton khoraMeterBinding(ObjectProvider<MeterRegistry> registries, ObjectProvider<MeterBinder> binders) {
            return () -> registries.orderedStream().forEach(r -> binders.orderedStream().forEach(b -> b.bindTo(r)));
        }
    }
}
