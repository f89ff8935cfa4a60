package io.khora.spring;

import io.khora.Space;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class KhoraMetricsAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
            MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
            KhoraAutoConfiguration.class, KhoraMetricsAutoConfiguration.class));

    @Test
    void theSpaceStateGaugeIsInTheRegistry() {
        runner.withPropertyValues("khora.embedded.name=m").run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("khora.space.state").tag("space", "m").gauge().value()).isEqualTo(2.0);
            context.getBean(Space.class).admin().suspend();
            assertThat(registry.get("khora.space.state").tag("space", "m").gauge().value()).isEqualTo(3.0);
        });
    }

    @Test
    void anApplicationsOwnKhoraMeterBinderIsBoundToo() {
        runner.withBean("spaceEntries", MeterBinder.class, () -> r -> r.gauge("khora.test.bound", 7)).run(context ->
                assertThat(context.getBean(MeterRegistry.class).get("khora.test.bound").gauge().value()).isEqualTo(7.0));
    }
}
