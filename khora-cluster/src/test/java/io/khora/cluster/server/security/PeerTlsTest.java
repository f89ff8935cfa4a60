package io.khora.cluster.server.security;

import org.jgroups.util.SocketFactory;
import org.jgroups.util.TLS;
import org.jgroups.util.TLSClientAuth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which peers a node's TLS accepts, over real loopback sockets with the server socket JGroups makes
 * for the transport (its TLS socket factory, client authentication required, as RaftStack sets it).
 */
@Timeout(60)
class PeerTlsTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final List<String> CLUSTER = List.of("n1", "n2");

    static PeerTls node(Path dir, String id) throws IOException {
        return PeerTls.load(TlsFiles.inDirectory(dir, id), id, CLUSTER, Clock.systemUTC());
    }

    /** What the server end says of one connection from {@code client}: "accepted CN=…" or "refused: …". */
    static String serverSees(SSLContext server, SSLContext client) throws Exception {
        SocketFactory factory = new TLS().enabled(true).setSSLContext(server).setClientAuth(TLSClientAuth.NEED)
                .setProtocols(new String[] {"TLSv1.3"}).createSocketFactory();
        try (ServerSocket ss = factory.createServerSocket("test", 0, 1, LOOPBACK)) {
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.setSoTimeout(20_000);
                    s.startHandshake();
                    s.getOutputStream().write(1);
                    s.getOutputStream().flush();
                    return "accepted " + s.getSession().getPeerPrincipal().getName();
                } catch (IOException e) {
                    return "refused: " + e.getMessage();
                }
            });
            try (SSLSocket c = (SSLSocket) client.getSocketFactory().createSocket(LOOPBACK, ss.getLocalPort())) {
                c.setSoTimeout(20_000);
                c.startHandshake();
                c.getInputStream().read(); // TLS 1.3: the server judges the client's certificate after the client's handshake ends
            } catch (IOException e) {
                // the server's verdict is what counts
            }
            return seen.get(30, TimeUnit.SECONDS);
        }
    }

    /** A client context with no certificate, trusting {@code ca}. */
    static SSLContext withoutCertificate(Path ca) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, trusting(ca), null);
        return ctx;
    }

    /** A plain JDK context (no checks of Khora's) presenting {@code name}'s certificate in {@code dir} and trusting its CA. */
    static SSLContext presenting(Path dir, String name) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("k", Pem.readPrivateKey(SecurityDirectory.key(dir, name)), "pw".toCharArray(),
                new java.security.cert.Certificate[] {Pem.readCertificate(SecurityDirectory.certificate(dir, name))});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "pw".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), trusting(dir.resolve("ca.pem")), null);
        return ctx;
    }

    private static javax.net.ssl.TrustManager[] trusting(Path ca) throws Exception {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", Pem.readCertificate(ca));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        return tmf.getTrustManagers();
    }

    @Test
    void aNodeAcceptsAnotherNodeOfItsClusterCa() throws Exception {
        Path dir = TestSecurity.directory(CLUSTER);
        PeerTls n1 = node(dir, "n1");

        assertThat(serverSees(n1.context(), node(dir, "n2").context())).isEqualTo("accepted CN=n2");
        assertThat(n1.refusedPeers()).isZero();
    }

    @Test
    void aNodeRefusesACertificateOfAnotherCaAndAPeerWithoutACertificate() throws Exception {
        Path dir = TestSecurity.directory(CLUSTER);
        PeerTls n1 = node(dir, "n1");
        Path foreign = TestSecurity.foreignDirectory(CLUSTER, List.of());

        // the server asks for a certificate of the cluster CA; the foreign client has none, so it sends none
        assertThat(serverSees(n1.context(), node(foreign, "n2").context())).startsWith("refused");
        assertThat(serverSees(n1.context(), withoutCertificate(dir.resolve("ca.pem")))).startsWith("refused");
        assertThat(n1.refusedPeers()).isZero();
        // and a node does not connect to a peer of another CA either: it refuses the server's certificate
        assertThat(serverSees(node(foreign, "n2").context(), n1.context())).startsWith("refused");
        assertThat(n1.refusedPeers()).as("n1 refused the foreign server").isEqualTo(1);
    }

    @Test
    void aNodeRefusesAClientCertificateOfItsOwnCaAndANodeCertificateOfANodeOutsideTheCluster() throws Exception {
        Path dir = TestSecurity.directory(List.of("n1", "n2", "n9"), List.of("mirror"));
        PeerTls n1 = node(dir, "n1");

        assertThat(serverSees(n1.context(), presenting(dir, "mirror"))).startsWith("refused");
        assertThat(serverSees(n1.context(), presenting(dir, "n9"))).startsWith("refused");
        assertThat(n1.refusedPeers()).isEqualTo(2);
    }

    @Test
    void aNodeRefusesAClientCertificateThatNamesANode(@TempDir Path tmp) throws Exception {
        Path dir = TestSecurity.directory(CLUSTER);
        CertificateAuthority ca = CertificateAuthority.of(Pem.readCertificate(dir.resolve("ca.pem")), Pem.readPrivateKey(dir.resolve("ca-key.pem")),
                Clock.systemUTC());
        CertificateAuthority.Issued fake = ca.issueClient("n2", Duration.ofDays(1)); // khora certs would refuse this name
        Files.copy(dir.resolve("ca.pem"), tmp.resolve("ca.pem"));
        NewFiles.writePublic(tmp.resolve("n2.pem"), Pem.format(fake.certificate()));
        NewFiles.writeSecret(tmp.resolve("n2-key.pem"), Pem.format(fake.key()));
        PeerTls n1 = node(dir, "n1");

        assertThat(serverSees(n1.context(), presenting(tmp, "n2"))).startsWith("refused");
        assertThat(n1.refusedPeers()).isEqualTo(1);
        assertThatThrownBy(() -> node(tmp, "n2")).hasMessageContaining(tmp.resolve("n2.pem") + " is not a node certificate");
    }

    @Test
    void loadingChecksTheFilesAndNamesTheWrongOne(@TempDir Path tmp) throws Exception {
        Path dir = TestSecurity.directory(CLUSTER);
        Path foreign = TestSecurity.foreignDirectory(CLUSTER, List.of());
        TlsFiles n1 = TlsFiles.inDirectory(dir, "n1");

        assertThatThrownBy(() -> PeerTls.load(new TlsFiles(n1.ca(), n1.certificate(), dir.resolve("n2-key.pem")), "n1", CLUSTER, Clock.systemUTC()))
                .hasMessageContaining(dir.resolve("n2-key.pem") + " is not the private key of the certificate " + n1.certificate());
        assertThatThrownBy(() -> PeerTls.load(new TlsFiles(foreign.resolve("ca.pem"), n1.certificate(), n1.key()), "n1", CLUSTER, Clock.systemUTC()))
                .hasMessageContaining(n1.certificate() + " is not signed by the CA in " + foreign.resolve("ca.pem"));
        assertThatThrownBy(() -> PeerTls.load(n1, "n2", CLUSTER, Clock.systemUTC()))
                .hasMessageContaining(n1.certificate() + " is the certificate of 'n1', not of this node 'n2'");
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(900)), ZoneOffset.UTC);
        assertThatThrownBy(() -> PeerTls.load(TlsFiles.inDirectory(TestSecurity.directory(List.of("n9")), "n9"), "n9", CLUSTER, Clock.systemUTC()))
                .hasMessageContaining("node 'n9' is not one of the cluster's nodes [n1, n2]");
        assertThatThrownBy(() -> PeerTls.load(n1, "n1", CLUSTER, later)).hasMessageContaining(n1.certificate() + " is not valid now");
        assertThatThrownBy(() -> PeerTls.load(new TlsFiles(n1.ca(), tmp.resolve("nope.pem"), n1.key()), "n1", CLUSTER, Clock.systemUTC()))
                .hasMessageContaining("certificate file " + tmp.resolve("nope.pem") + " does not exist");
        Files.writeString(tmp.resolve("garbage.pem"), "not a key\n");
        assertThatThrownBy(() -> PeerTls.load(new TlsFiles(n1.ca(), n1.certificate(), tmp.resolve("garbage.pem")), "n1", CLUSTER, Clock.systemUTC()))
                .hasMessageContaining(tmp.resolve("garbage.pem") + ": no private key in it");
    }
}
