package io.khora.cluster.server;

import io.khora.SpaceState;
import io.khora.cluster.server.security.TestSecurity;
import io.khora.cluster.server.security.TlsFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node whose certificate is not from the cluster CA — one of another CA, or no TLS at all —
 * does not get into the membership channel (so it counts toward no space's min-seeders and starts
 * no replica), over real sockets; the real node then joins at once.
 */
class NodeOutsideTheClusterCaTest {
    /** Three times the nodes' longest interval between merge attempts (1.5 × the 1.5 s failure detection timeout). */
    static final Duration WINDOW = Duration.ofMillis(6_750);

    @Test
    @Timeout(180)
    void aNodeWithACertificateOfAnotherCaOrWithoutTlsStaysOutsideTheMembershipAndTheRealNodeJoins() throws Exception {
        try (LocalCluster cluster = LocalCluster.configure("outside-ca", 3, "notes", 2, 3, 2)) {
            KhoraNode n1 = cluster.start("n1");
            KhoraNode n2 = cluster.start("n2");
            cluster.awaitReady(Duration.ofSeconds(60));
            Path foreign = TestSecurity.foreignDirectory(List.of("n1", "n2", "n3"), List.of());

            try (KhoraNode impostor = KhoraNode.start(impostor(cluster, "foreign", b -> b.security(io.khora.cluster.server.security.NodeSecurity.files(foreign.resolve("ca.pem"), foreign.resolve("n3.pem"),
                    foreign.resolve("n3-key.pem"), cluster.certificates().dir().resolve("users.yaml")))))) {
                LocalCluster.await(WINDOW, () -> refusals(n1) + refusals(n2) > 0, () -> "n1 or n2 to refuse the certificate of the impostor n3");
                staysOutside(impostor, n1, n2);
            }
            try (KhoraNode plain = KhoraNode.start(impostor(cluster, "plain", b -> b.security(io.khora.cluster.server.security.NodeSecurity.none())))) {
                staysOutside(plain, n1, n2);
            }

            KhoraNode n3 = cluster.start("n3");
            LocalCluster.await(WINDOW, () -> n1.status().members().size() == 3 && n3.status().members().size() == 3,
                    () -> "the real n3 to join: n1 sees " + n1.status().members());
            cluster.awaitReady(Duration.ofSeconds(60));
            assertThat(n3.status().replicas()).allMatch(r -> r.state() == SpaceState.READY);
        }
    }

    private static NodeConfig impostor(LocalCluster cluster, String name, UnaryOperator<NodeConfig.Builder> tls) {
        return tls.apply(NodeConfig.builder(cluster.spec, "n3")
                .dataDirectory(cluster.dataRoot.resolve("impostor-" + name))
                .failureDetection(Duration.ofMillis(1500), Duration.ofMillis(300))).build();
    }

    private static long refusals(KhoraNode n) {
        return n.config().peerTls().orElseThrow().refusedPeers();
    }

    /** For {@link #WINDOW}: the impostor sees only itself and starts no replica; n1 and n2 see only each other. */
    private static void staysOutside(KhoraNode impostor, KhoraNode n1, KhoraNode n2) throws InterruptedException {
        long until = System.nanoTime() + WINDOW.toNanos();
        while (System.nanoTime() < until) {
            assertThat(impostor.status().members()).as("the impostor's members").containsExactly("n3");
            assertThat(impostor.state("notes")).as("the impostor's space").isEqualTo(SpaceState.INITIAL);
            assertThat(n1.status().members()).as("n1's members").containsExactly("n1", "n2");
            assertThat(n2.status().members()).as("n2's members").containsExactly("n1", "n2");
            Thread.sleep(50);
        }
    }
}
