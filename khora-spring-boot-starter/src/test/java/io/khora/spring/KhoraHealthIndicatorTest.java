package io.khora.spring;

import io.khora.Space;
import io.khora.SpaceState;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class KhoraHealthIndicatorTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KhoraAutoConfiguration.class, KhoraHealthAutoConfiguration.class));

    @Test
    void eachSpaceStateHasAStatus() {
        assertThat(KhoraHealthIndicator.status(SpaceState.READY)).isEqualTo(Status.UP);
        assertThat(KhoraHealthIndicator.status(SpaceState.INITIAL)).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(KhoraHealthIndicator.status(SpaceState.LOADING)).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(KhoraHealthIndicator.status(SpaceState.SUSPENDED)).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(KhoraHealthIndicator.status(SpaceState.RECOVER)).isEqualTo(Status.DOWN);
        assertThat(KhoraHealthIndicator.status(SpaceState.INVALID)).isEqualTo(Status.DOWN);
    }

    @Test
    void aReadySpaceIsUpAndASuspendedOneOutOfService() {
        runner.withPropertyValues("khora.embedded.name=h", "khora.embedded.partitions=2").run(context -> {
            KhoraHealthIndicator indicator = context.getBean("khoraHealthIndicator", KhoraHealthIndicator.class);
            Health h = indicator.health();
            assertThat(h.getStatus()).isEqualTo(Status.UP);
            assertThat(h.getDetails()).containsEntry("space", "h").containsEntry("state", "READY").containsEntry("partitions", 2);
            context.getBean(Space.class).admin().suspend();
            assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(indicator.health().getDetails()).containsEntry("state", "SUSPENDED");
        });
    }

    @Test
    void aClosedSpaceIsDown() {
        runner.run(context -> {
            context.getBean(Space.class).close();
            assertThat(context.getBean(KhoraHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
        });
    }

    @Test
    void theIndicatorCanBeSwitchedOff() {
        runner.withPropertyValues("management.health.khora.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(KhoraHealthIndicator.class));
    }
}
