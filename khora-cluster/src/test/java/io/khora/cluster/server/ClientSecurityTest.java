package io.khora.cluster.server;

import io.khora.Lease;
import io.khora.Query;
import io.khora.Space;
import io.khora.SpaceException;
import io.khora.Spaces;
import io.khora.WriteMode;
import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;
import io.khora.AccessDeniedException;
import io.khora.AuthenticationException;
import io.khora.cluster.client.PartitionClient;
import io.khora.cluster.protocol.ProtocolCodec;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.MirrorLeaseState;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client protocol's security against a secured 3-node cluster over real sockets: TLS,
 * authentication (SCRAM-SHA-256, client certificates), roles per space, and what an
 * unauthenticated peer can learn (nothing).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClientSecurityTest {
    /** An order routed by its account. */
    public record Secret(@SpaceId String id, @SpaceRouting int account, String note) {
    }

    private static final TypeDescriptor SECRET = TypeIntrospector.describe(Secret.class);

    static LocalCluster cluster;
    static Space admin;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.configure("client-security", 3, List.of(new ClusterSpec.SpaceSpec("vault", 2, 3, 2),
                new ClusterSpec.SpaceSpec("wb", 1, 3, 2).withWriteBehind(ClusterSpec.WriteBehindSpec.DEFAULTS))).startAll(Duration.ofSeconds(60));
        admin = Spaces.connect(cluster.uri("vault"));
        admin.write(new Secret("s1", 1, "launch codes"));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String uri(String space, String options) {
        return cluster.nodes() + "/" + space + "?timeout=10s&attempt-timeout=3s&connect-timeout=2s" + options;
    }

    @Test
    void aClientWithoutCredentialsIsRefusedAndToldWhatToGive() {
        assertThatThrownBy(() -> Spaces.connect(uri("vault", "&tls-ca=" + cluster.certificates().ca())))
                .isInstanceOf(SpaceException.class)
                .hasMessageContaining("authentication required")
                .hasMessageContaining("this client gives no credentials: add user=<name>&password-file=<path>");
    }

    @Test
    void aClientWithoutTlsOrWithoutTheCaIsRefused() {
        assertThatThrownBy(() -> Spaces.connect(uri("vault", "")))
                .hasMessageContaining("no tls-ca given: Khora nodes serve TLS");
        assertThatThrownBy(() -> Spaces.connect(uri("vault", "&tls=off&user=admin&password-file=" + cluster.certificates().passwordFile("admin"))))
                .hasMessageContaining("does the node serve TLS?");
    }

    @Test
    void anUnauthenticatedProbeLearnsNothingAboutSpacesTypesOrLayouts() throws Exception {
        ClusterSpec.NodeSpec node = cluster.spec.nodes().get(0);
        int p = io.khora.persistence.Partitioning.partitionOf(1, 2);
        Command.QuerySpec all = Command.QuerySpec.all();
        List<Request> probes = List.of(
                new Request.Layout(2, "vault"),
                new Request.Declare(3, "vault", List.of(io.khora.cluster.raft.TypeDeclaration.of(SECRET))),
                new Request.ReadById(4, "vault", p, SECRET.name(), "s1"),
                new Request.Query(5, "vault", p, SECRET.name(), all, 10, 0, false, 0, 0, false),
                new Request.Query(6, "vault", p, SECRET.name(), all, 10, 0, true, 1, 1, false),
                new Request.Count(7, "vault", p, SECRET.name(), all),
                new Request.Subscribe(8, "vault", p, SECRET.name(), all, EnumSet.allOf(io.khora.SpaceEventType.class)),
                new Request.Status(9),
                new Request.OutboxPull(10, "wb", 0, 0, 10, 0, 1),
                new Request.Mutate(11, "vault", p, 2, 2, false, false, new Command.Clear(SECRET.name(), all)),
                new Request.Mutate(12, "vault", p, 3, 3, false, false, new Command.Write(SECRET.name(),
                        SECRET.codec().toValues(new Secret("s2", 1, "x")), Lease.FOREVER, WriteMode.UPDATE_OR_WRITE)),
                new Request.Mutate(13, "no-such-space", 0, 4, 4, false, false, new Command.Clear(SECRET.name(), all)),
                new Request.Layout(14, "no-such-space"));
        List<String> answers = new ArrayList<>();
        try (Socket s = cluster.rawSocket(node, null)) {
            s.setSoTimeout(30_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            Response hello = exchange(out, in, new Request.Hello(1, 5, 6, false));
            assertThat(hello.status()).isEqualTo(Status.OK);
            answers.add(new String(hello.body(), StandardCharsets.ISO_8859_1));
            for (Request r : probes) {
                Response answer = exchange(out, in, r);
                assertThat(answer.status()).as("answer to %s", r).isEqualTo(Status.ERROR);
                assertThat(Responses.readError(answer.body())).as("answer to %s", r).isInstanceOf(AuthenticationException.class)
                        .hasMessage("authentication required");
                answers.add(new String(answer.body(), StandardCharsets.ISO_8859_1));
            }
            Response wrongMechanism = exchange(out, in, new Request.Auth(15, "PLAIN", "admin".getBytes(StandardCharsets.UTF_8)));
            assertThat(wrongMechanism.status()).isEqualTo(Status.ERROR);
            answers.add(new String(wrongMechanism.body(), StandardCharsets.ISO_8859_1));
        }
        List<String> secrets = new ArrayList<>(List.of("vault", "wb", "Secret", "launch", "account", "note", "partition"));
        for (ClusterSpec.NodeSpec n : cluster.spec.nodes()) {
            secrets.add(String.valueOf(n.clientPort()));
            if (!n.id().equals(node.id())) {
                secrets.add(n.id()); // the HELLO answer names the node asked, nothing else
            }
        }
        for (String answer : answers) {
            for (String secret : secrets) {
                assertThat(answer).as("an answer to an unauthenticated probe").doesNotContain(secret);
            }
        }
        assertThat(admin.count(Query.all(Secret.class))).as("nothing was cleared or written").isEqualTo(1);
    }

    @Test
    void aPlainTcpProbeOfASecuredNodeGetsNoAnswerAtAll() throws Exception {
        ClusterSpec.NodeSpec node = cluster.spec.nodes().get(1);
        try (Socket s = new Socket(node.host(), node.clientPort())) {
            s.setSoTimeout(30_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] frame = ProtocolCodec.encode(new Request.Layout(1, "vault"));
            out.writeInt(frame.length);
            out.write(frame);
            out.flush();
            byte[] rest = in.readAllBytes(); // the node closes the connection: not TLS
            assertThat(new String(rest, StandardCharsets.ISO_8859_1)).doesNotContain("vault").doesNotContain("Secret");
        }
    }

    @Test
    void aReadOnlyUserReadsButCannotWriteTakeOrClear() {
        try (Space reader = Spaces.connect(uri("vault", cluster.security("reader")))) {
            assertThat(reader.readById(Secret.class, "s1")).isEqualTo(new Secret("s1", 1, "launch codes"));
            assertThat(reader.count(Query.all(Secret.class))).isEqualTo(1);
            assertThatThrownBy(() -> reader.write(new Secret("s9", 1, "forged")))
                    .isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining("user 'reader' may not write to space 'vault': that needs the role 'write' (its roles there: [read])");
            assertThatThrownBy(() -> reader.take(Query.all(Secret.class)))
                    .isInstanceOf(AccessDeniedException.class).hasMessageContaining("needs the role 'write'");
            assertThatThrownBy(() -> reader.clear(Query.all(Secret.class)))
                    .isInstanceOf(AccessDeniedException.class).hasMessageContaining("may not clear space 'vault': that needs the role 'admin'");
        }
        assertThat(admin.readById(Secret.class, "s9")).isNull();
        assertThat(admin.count(Query.all(Secret.class))).isEqualTo(1);
    }

    @Test
    void aWriterWritesButCannotClearNorTouchTheOutbox() throws Exception {
        try (Space writer = Spaces.connect(uri("vault", cluster.security("writer")))) {
            writer.write(new Secret("w1", 2, "ok"));
            assertThatThrownBy(() -> writer.clear(Query.all(Secret.class))).isInstanceOf(AccessDeniedException.class);
            writer.take(Query.of(Secret.class, "id = 'w1'"));
        }
        try (PartitionClient writer = PartitionClient.connect(uri("wb", cluster.security("writer")))) {
            assertThat(failure(() -> writer.pull(0, 0, 10, 0, 1))).isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining("may not pull the write-behind outbox of space 'wb': that needs the role 'mirror'");
            assertThat(failure(() -> writer.acknowledge(0, "log", 1, 1))).isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining("needs the role 'mirror'");
            assertThat(failure(() -> writer.mirrorLease(0, new Command.MirrorLease(Command.MirrorLease.Kind.ACQUIRE, "me", 0, 10_000))))
                    .isInstanceOf(AccessDeniedException.class).hasMessageContaining("needs the role 'mirror'");
        }
    }

    @Test
    void theMirrorAuthenticatesWithItsCertificateAndMayPullAndAcknowledgeButNotRead() throws Exception {
        TestCertificates c = cluster.certificates();
        String mirror = "&tls-ca=" + c.ca() + "&tls-cert=" + c.cert("mirror") + "&tls-key=" + c.key("mirror");
        try (PartitionClient m = PartitionClient.connect(uri("wb", mirror))) {
            MirrorLeaseState.Grant g = m.mirrorLease(0, new Command.MirrorLease(Command.MirrorLease.Kind.ACQUIRE, "security-test", 0, 10_000))
                    .get(30, TimeUnit.SECONDS);
            var slice = m.pull(0, 0, 10, 0, g.epoch()).get(30, TimeUnit.SECONDS);
            assertThat(m.acknowledge(0, slice.logId(), slice.lastSequence(), g.epoch()).get(30, TimeUnit.SECONDS)).isNotNegative();
            m.mirrorLease(0, new Command.MirrorLease(Command.MirrorLease.Kind.RELEASE, "security-test", g.epoch(), 0)).get(30, TimeUnit.SECONDS);
        }
        try (Space asMirror = Spaces.connect(uri("vault", mirror))) {
            assertThatThrownBy(() -> asMirror.readById(Secret.class, "s1")).isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining("user 'mirror' may not declare types in space 'vault': that needs one of the roles [read, write]");
        }
    }

    @Test
    void aNodesCertificateHasEveryRoleAsTheNodesOwnClientsNeed() throws Exception {
        TestCertificates c = cluster.certificates();
        String asNode = "&tls-ca=" + c.ca() + "&tls-cert=" + c.cert("n2") + "&tls-key=" + c.key("n2");
        try (Space node = Spaces.connect(uri("vault", asNode))) {
            node.write(new Secret("n", 3, "from a node"));
            assertThat(node.clear(Query.of(Secret.class, "id = 'n'"))).isEqualTo(1);
        }
        try (PartitionClient node = PartitionClient.connect(uri("vault", asNode))) {
            assertThat(node.resolveTransaction(0, "no-such-transaction").get(30, TimeUnit.SECONDS)).as("aborted (it never committed)").isZero();
        }
    }

    @Test
    void aWrongPasswordIsRefusedAtOnceWithoutTryingTheOtherNodes() throws Exception {
        Path wrong = cluster.dataRoot.resolve("wrong.password");
        Files.writeString(wrong, "not-the-password\n");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Spaces.connect(uri("vault", "&tls-ca=" + cluster.certificates().ca() + "&user=admin&password-file=" + wrong)))
                .hasMessageContaining("authentication as user 'admin' failed: wrong user name or password")
                .satisfies(e -> assertThat(e.getMessage().split("authentication as user").length - 1).as("one node asked").isEqualTo(1));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
        assertThatThrownBy(() -> Spaces.connect(uri("vault", "&tls-ca=" + cluster.certificates().ca() + "&user=nobody&password-file=" + wrong)))
                .hasMessageContaining("authentication as user 'nobody' failed: wrong user name or password");
    }

    @Test
    void certificatesOfAnotherCaAreRefusedBothWays() throws Exception {
        TestCertificates other = TestCertificates.ca(cluster.dataRoot.resolve("other-ca"), "another CA");
        other.issue("n1"); // a node id, from the wrong CA
        assertThatThrownBy(() -> Spaces.connect(uri("vault", "&tls-ca=" + cluster.certificates().ca() + "&tls-cert=" + other.cert("n1")
                + "&tls-key=" + other.key("n1"))))
                .isInstanceOf(SpaceException.class)
                .hasMessageContaining("cannot connect to space 'vault'");
        assertThatThrownBy(() -> Spaces.connect(uri("vault", "&tls-ca=" + other.ca() + cluster.security("admin").replaceFirst("&tls-ca=[^&]*", ""))))
                .hasMessageContaining("TLS handshake with node")
                .hasMessageContaining("failed");
    }

    @Test
    void theHostNameIsCheckedAgainstTheNodesCertificate() throws Exception {
        String viaLocalhost = cluster.nodes().replace("127.0.0.1", "localhost");
        try (Space s = Spaces.connect(viaLocalhost + "/vault?timeout=10s" + cluster.security("reader"))) {
            assertThat(s.count(Query.all(Secret.class))).isEqualTo(1);
        }
        TestCertificates c = cluster.certificates();
        assertThat(Authenticator.commonName(certificate(c.cert("n1")))).isEqualTo("n1");
    }

    @Test
    void aNodeWhoseCertificateDoesNotNameTheHostConnectedToIsRefused() throws Exception {
        TestCertificates c = cluster.certificates();
        c.issue("elsewhere", List.of(new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.dNSName, "elsewhere.example")));
        try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) c.sslContext("elsewhere").getServerSocketFactory()
                .createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CompletableFuture<Void> node = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    ((javax.net.ssl.SSLSocket) s).startHandshake();
                    s.getInputStream().read();
                } catch (java.io.IOException expected) {
                    // the client aborts the handshake
                }
            });
            assertThatThrownBy(() -> Spaces.connect("khora://127.0.0.1:" + server.getLocalPort() + "/vault?timeout=5s&connect-timeout=2s"
                    + cluster.security("reader")))
                    .hasMessageContaining("TLS handshake with node seed 127.0.0.1")
                    .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1 found");
            node.get(30, TimeUnit.SECONDS);
        }
    }

    private static java.security.cert.X509Certificate certificate(Path pem) throws Exception {
        try (var in = Files.newInputStream(pem)) {
            return (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static Throwable failure(java.util.concurrent.Callable<java.util.concurrent.CompletableFuture<?>> call) throws Exception {
        try {
            call.call().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return io.khora.cluster.Futures.cause(e);
        }
        throw new AssertionError("expected a failure");
    }

    private static Response exchange(DataOutputStream out, DataInputStream in, Request r) throws Exception {
        byte[] frame = ProtocolCodec.encode(r);
        out.writeInt(frame.length);
        out.write(frame);
        out.flush();
        int n;
        try {
            n = in.readInt();
        } catch (EOFException e) {
            throw new AssertionError("the node closed the connection after " + r, e);
        }
        byte[] answer = new byte[n];
        in.readFully(answer);
        return ProtocolCodec.decodeResponse(answer);
    }
}
