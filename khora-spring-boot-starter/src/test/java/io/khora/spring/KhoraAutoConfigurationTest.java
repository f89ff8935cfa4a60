package io.khora.spring;

import io.khora.EmbeddedSpaceBuilder;
import io.khora.Space;
import io.khora.SpaceState;
import io.khora.Spaces;
import io.khora.annotation.SpaceId;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class KhoraAutoConfigurationTest {
    /** A greeting, by its id. */
    public record Greeting(@SpaceId String id, String text) {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KhoraAutoConfiguration.class));

    @Test
    void anEmbeddedSpaceComesFromTheProperties() {
        runner.withPropertyValues("khora.embedded.name=greetings", "khora.embedded.partitions=4").run(context -> {
            Space space = context.getBean(Space.class);
            assertThat(space.name()).isEqualTo("greetings");
            assertThat(space.clusterInfo().numberOfInstances()).isEqualTo(4);
            assertThat(space.state()).isEqualTo(SpaceState.READY);
            space.write(new Greeting("g1", "hello"));
            assertThat(space.readById(Greeting.class, "g1").text()).isEqualTo("hello");
        });
    }

    @Test
    void theSpaceClosesWithTheContext() {
        Space[] seen = new Space[1];
        runner.run(context -> seen[0] = context.getBean(Space.class));
        assertThat(seen[0].state()).isEqualTo(SpaceState.INVALID);
    }

    @Test
    void aBadPropertyFailsStartupNamingIt() {
        runner.withPropertyValues("khora.embedded.partitions=0").run(context -> assertThat(context).hasFailed()
                .getFailure().hasStackTraceContaining("khora.embedded.partitions: partitions must be in 1..4096, got 0"));
        runner.withPropertyValues("khora.ready-timeout=0s").run(context -> assertThat(context).hasFailed()
                .getFailure().hasStackTraceContaining("khora.ready-timeout must be positive, got PT0S"));
        runner.withPropertyValues("khora.uri=http://nowhere:1/s").run(context -> assertThat(context).hasFailed()
                .getFailure().hasStackTraceContaining("khora.uri: no connector for 'http://nowhere:1/s'"));
    }

    @Test
    void customizersAdjustTheEmbeddedSpace() {
        runner.withBean(EmbeddedSpaceCustomizer.class, () -> (EmbeddedSpaceBuilder b) -> b.partitions(3)).run(context ->
                assertThat(context.getBean(Space.class).clusterInfo().numberOfInstances()).isEqualTo(3));
    }

    @Test
    void anApplicationsOwnSpaceWins() {
        runner.withUserConfiguration(OwnSpace.class).run(context -> {
            assertThat(context).hasSingleBean(Space.class);
            assertThat(context.getBean(Space.class).name()).isEqualTo("own");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnSpace {
        @Bean(destroyMethod = "close")
        Space space() {
            return Spaces.embedded("own").start();
        }
    }
}
