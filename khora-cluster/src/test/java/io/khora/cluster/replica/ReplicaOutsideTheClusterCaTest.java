package io.khora.cluster.replica;

import io.khora.cluster.node.ReplicaConfig;
import io.khora.cluster.server.security.PeerTls;
import io.khora.cluster.server.security.TestSecurity;
import io.khora.cluster.server.security.TlsFiles;

import org.jgroups.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.khora.cluster.replica.FailoverTest.CONVERGE;
import static io.khora.cluster.replica.FailoverTest.ELECTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A replica whose node has no certificate of the cluster CA — one of another CA, none, or no TLS
 * at all — cannot join its Raft group (real sockets, TLS as RaftStack sets it up), while the same
 * replica with its real certificate joins at once (the control that shows the observation window
 * is long enough to join).
 */
class ReplicaOutsideTheClusterCaTest {
    static final List<String> IDS = List.of("A", "B", "C");
    /** Three times the test configuration's longest interval between merge attempts (2.5 s). */
    static final Duration WINDOW = Duration.ofMillis(7_500);

    @Test
    @Timeout(90)
    void aReplicaWithACertificateOfAnotherCaNeverJoinsAndIsRefusedForIt() throws Exception {
        Path foreign = TestSecurity.foreignDirectory(IDS, List.of());
        SSLContext impostor = PeerTls.load(TlsFiles.inDirectory(foreign, "C"), "C", IDS, Clock.systemUTC()).context();
        impostorStaysOutAndTheRealReplicaJoins("foreign-ca", impostor, true);
    }

    @Test
    @Timeout(90)
    void aReplicaWithTlsButNoCertificateNeverJoins() throws Exception {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", io.khora.cluster.server.security.Pem.readCertificate(TestSecurity.files("C").ca()));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        SSLContext noCertificate = SSLContext.getInstance("TLSv1.3");
        noCertificate.init(null, tmf.getTrustManagers(), null);
        impostorStaysOutAndTheRealReplicaJoins("no-certificate", noCertificate, false);
    }

    @Test
    @Timeout(90)
    void aReplicaWithoutTlsNeverJoins() throws Exception {
        impostorStaysOutAndTheRealReplicaJoins("plain", null, false);
    }

    @Test
    @Timeout(60)
    void withTlsNoPlainSocketFailureDetectorListensBesideTheTransport() throws Exception {
        try (TestGroup tls = TestGroup.start("fd-port-tls", List.of("A"), b -> b.tls(TestSecurity.peerContext("A", List.of("A"))));
             TestGroup plain = TestGroup.start("fd-port-plain", List.of("A"), b -> b.tls(null))) {
            InetSocketAddress tlsFd = fdAddress(tls.configs.get("A"));
            InetSocketAddress plainFd = fdAddress(plain.configs.get("A"));
            try (Socket s = new Socket()) {
                s.connect(plainFd, 5_000); // the control: without TLS, FD_SOCK2 listens there
            }
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(tlsFd, 5_000);
                }
            }).isInstanceOf(ConnectException.class);
        }
    }

    private static InetSocketAddress fdAddress(ReplicaConfig c) {
        return new InetSocketAddress(c.address().getAddress(), c.address().getPort() + c.fdPortOffset());
    }

    private static void impostorStaysOutAndTheRealReplicaJoins(String name, SSLContext impostorTls, boolean refusalsCounted) throws Exception {
        try (TestGroup g = TestGroup.configure(name, IDS, b -> b, true)) {
            Map<String, PeerTls> tls = new LinkedHashMap<>();
            for (String id : List.of("A", "B")) {
                tls.put(id, PeerTls.load(TestSecurity.files(id), id, IDS, Clock.systemUTC()));
                g.configs.put(id, g.configs.get(id).toBuilder().tls(tls.get(id).context()).build());
                g.start(id);
            }
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            ReplicaConfig real = g.configs.get("C");
            g.configs.put("C", real.toBuilder().tls(impostorTls).build());
            ReplicatedPartition impostor = g.start("C");
            Set<Object> acked = FailoverTest.writeAll(leader, FailoverTest.ids("w", 20));
            if (refusalsCounted) {
                TestGroup.await(WINDOW, () -> tls.values().stream().mapToLong(PeerTls::refusedPeers).sum() > 0,
                        () -> "A or B to refuse C's certificate");
            }

            long until = System.nanoTime() + WINDOW.toNanos();
            while (System.nanoTime() < until) {
                assertThat(members(impostor)).as("the impostor's view").containsExactly("C");
                assertThat(members(g.get("A"))).as("A's view").containsExactlyInAnyOrder("A", "B");
                assertThat(members(g.get("B"))).as("B's view").containsExactlyInAnyOrder("A", "B");
                assertThat(impostor.leader()).as("the impostor's leader").isEmpty();
                assertThat(impostor.stateMachine().engine().size()).as("entries at the impostor").isZero();
                Thread.sleep(50);
            }

            g.stop("C");
            g.configs.put("C", real);
            g.start("C");
            assertThat(FailoverTest.idsOf(g.awaitConverged(CONVERGE))).isEqualTo(acked);
            assertThat(members(g.get("C"))).containsExactlyInAnyOrder("A", "B", "C");
        }
    }

    private static List<String> members(ReplicatedPartition p) {
        return p.channel().getView().getMembers().stream().map(Address::toString).collect(Collectors.toList());
    }
}
