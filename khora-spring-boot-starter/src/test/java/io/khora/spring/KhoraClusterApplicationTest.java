package io.khora.spring;

import io.khora.Space;
import io.khora.annotation.SpaceId;
import io.khora.cluster.server.ClusterSpec;
import io.khora.cluster.server.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring Boot application whose {@code khora.uri} names a space on three Khora nodes started by
 * the test (khora-cluster's LocalCluster: real sockets, TLS, SCRAM): the auto-configured
 * {@link Space} is a cluster connection, and the health indicator reports it.
 */
@SpringBootTest(classes = KhoraClusterApplicationTest.App.class)
@org.springframework.test.annotation.DirtiesContext
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KhoraClusterApplicationTest {
    /** An order, by its id. */
    public record Order(@SpaceId String id, int amount) {
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
    }

    static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalCluster.configure("spring-boot", 3, List.of(new ClusterSpec.SpaceSpec("orders", 2, 3, 2)))
                .startAll(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @DynamicPropertySource
    static void khora(DynamicPropertyRegistry registry) {
        registry.add("khora.uri", () -> cluster.uri("orders") + "&near-cache=true");
    }

    @Autowired
    Space space;

    @Autowired
    KhoraHealthIndicator health;

    @Test
    void theSpaceBeanIsAConnectionToTheCluster() {
        assertThat(space.name()).isEqualTo("orders");
        assertThat(space.clusterInfo().numberOfInstances()).isEqualTo(2);
        space.write(new Order("o1", 10));
        assertThat(space.readById(Order.class, "o1").amount()).isEqualTo(10);
        assertThat(cluster.leaderOf("orders", 0)).isNotNull();
    }

    @Test
    void theHealthIndicatorReportsTheClustersState() {
        var h = health.health();
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat(h.getDetails()).containsEntry("space", "orders").containsEntry("state", "READY").containsEntry("partitions", 2);
    }
}
