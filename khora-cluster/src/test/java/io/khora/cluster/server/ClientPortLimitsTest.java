package io.khora.cluster.server;

import io.khora.Query;
import io.khora.Space;
import io.khora.SpaceException;
import io.khora.Spaces;
import io.khora.annotation.SpaceId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client port's limits as the ordinary client meets them, through real sockets: a connection the
 * node closed for idleness costs the client nothing (it reconnects on its next call); a client over the
 * connection limit is told the count and the limit.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientPortLimitsTest {
    /** A note. */
    public record Note(@SpaceId String id, String text) {
    }

    private static LocalCluster start(String name, Map<String, String> limits) throws Exception {
        return LocalCluster.configure(name, 1, "notes", 1, 1, 1)
                .withNodeSettings(b -> b.clientPortLimits(ClientPortLimits.DEFAULTS.with(limits)))
                .startAll(Duration.ofSeconds(60));
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void aClientWhoseIdleConnectionTheNodeClosedCarriesOnOnItsNextCall() throws Exception {
        try (LocalCluster cluster = start("idle-client", Map.of("idle-timeout", "1s"));
             Space space = Spaces.connect(cluster.uri("notes"))) {
            NodeServer server = cluster.running.get("n1").server();
            space.write(new Note("a", "before"));
            await(() -> server.connections() == 0, "the node closes the idle connection");
            space.write(new Note("b", "after"));
            assertThat(space.readById(Note.class, "a").text()).isEqualTo("before");
            assertThat(space.count(Query.all(Note.class))).isEqualTo(2);
        }
    }

    @Test
    void aClientOverTheConnectionLimitIsToldTheCountAndTheLimit() throws Exception {
        try (LocalCluster cluster = start("full-node", Map.of("max-connections", "2", "max-connections-per-address", "2"));
             RawConnection one = new RawConnection(cluster.spec.nodes().get(0), null, 10_000);
             RawConnection two = new RawConnection(cluster.spec.nodes().get(0), null, 10_000)) {
            NodeServer server = cluster.running.get("n1").server();
            await(() -> server.connections() == 2, "two connections open");
            assertThatThrownBy(() -> Spaces.connect(cluster.uri("notes"))).isInstanceOf(SpaceException.class)
                    .hasMessageContaining("refused the client: ERROR node n1 has 2 client connections open, its max-connections of 2");
        }
    }
}
