package io.khora.cluster.server.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.khora.cluster.server.security.CertificateAuthorityTest.CLOCK;
import static io.khora.cluster.server.security.CertificateAuthorityTest.NOW;
import static io.khora.cluster.server.security.CertificateAuthorityTest.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecurityDirectoryTest {
    static SecurityDirectory.Request request(List<String> nodes, List<String> clients) {
        return new SecurityDirectory.Request(nodes, SecurityDirectory.DEFAULT_HOSTS, clients, SecurityDirectory.DEFAULT_VALIDITY);
    }

    static String mode(Path f) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
    }

    static Map<String, byte[]> contents(Path dir) throws Exception {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        return out;
    }

    @Test
    void writesTheCaAndEveryNodeAndClientPairWithKeysReadableByTheOwnerOnly(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("certs");
        SecurityDirectory.Outcome out = SecurityDirectory.ensure(dir, request(List.of("n1", "n2", "n3"), List.of("mirror")), CLOCK);

        assertThat(contents(dir).keySet()).containsExactly("ca-key.pem", "ca.pem", "mirror-key.pem", "mirror.pem", "n1-key.pem", "n1.pem",
                "n2-key.pem", "n2.pem", "n3-key.pem", "n3.pem");
        assertThat(out.created()).hasSize(5);
        assertThat(out.kept()).isEmpty();
        assertThat(mode(dir)).isEqualTo("rwx------");
        for (String key : List.of("ca-key.pem", "n1-key.pem", "n2-key.pem", "n3-key.pem", "mirror-key.pem")) {
            assertThat(mode(dir.resolve(key))).as(key).isEqualTo("rw-------");
        }
        for (String cert : List.of("ca.pem", "n1.pem", "mirror.pem")) {
            assertThat(mode(dir.resolve(cert))).as(cert).isEqualTo("rw-r--r--");
        }
        X509Certificate ca = Pem.readCertificate(dir.resolve("ca.pem"));
        for (String n : List.of("n1", "n2", "n3", "mirror")) {
            X509Certificate c = Pem.readCertificate(dir.resolve(n + ".pem"));
            validate(c, ca, NOW);
            assertThat(NodePeerTrust.commonName(c)).isEqualTo(n);
            assertThat(KeyMatch.matches(c.getPublicKey(), Pem.readPrivateKey(dir.resolve(n + "-key.pem")))).isTrue();
            assertThat(c.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(825)));
        }
        assertThat(SecurityDirectory.hosts(Pem.readCertificate(dir.resolve("n2.pem")))).containsExactly("127.0.0.1", "localhost");
    }

    @Test
    void runningAgainOverwritesNothingAndAddsOnlyWhatIsMissing(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("certs");
        SecurityDirectory.ensure(dir, request(List.of("n1", "n2"), List.of()), CLOCK);
        Map<String, byte[]> before = contents(dir);

        SecurityDirectory.Outcome again = SecurityDirectory.ensure(dir, new SecurityDirectory.Request(List.of("n1", "n2", "n3"),
                List.of("10.0.0.7"), List.of("mirror"), Duration.ofDays(90)), CLOCK);

        Map<String, byte[]> after = contents(dir);
        before.forEach((name, bytes) -> assertThat(after.get(name)).as(name + " unchanged").isEqualTo(bytes));
        assertThat(after.keySet()).contains("n3.pem", "n3-key.pem", "mirror.pem", "mirror-key.pem");
        validate(Pem.readCertificate(dir.resolve("n3.pem")), Pem.readCertificate(dir.resolve("ca.pem")), NOW);
        assertThat(again.created()).hasSize(2).allMatch(l -> l.startsWith("n3.pem") || l.startsWith("mirror.pem"));
        assertThat(again.kept()).anyMatch(l -> l.startsWith("ca.pem, ca-key.pem: exist, kept"))
                .anyMatch(l -> l.startsWith("n1.pem, n1-key.pem: exist, kept; its hosts [127.0.0.1, localhost] differ from [10.0.0.7]"));
    }

    @Test
    void halfAPairAMissingCaKeyAForeignCertificateOrAClientNamedLikeANodeIsAnErrorNamingTheFiles(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("certs");
        SecurityDirectory.ensure(dir, request(List.of("n1", "n2"), List.of()), CLOCK);

        Files.delete(dir.resolve("n2.pem"));
        assertThatThrownBy(() -> SecurityDirectory.ensure(dir, request(List.of("n1", "n2"), List.of()), CLOCK))
                .hasMessageContaining(dir.resolve("n2-key.pem") + " exists but " + dir.resolve("n2.pem") + " does not");
        Files.delete(dir.resolve("n2-key.pem"));

        Path other = tmp.resolve("other");
        SecurityDirectory.ensure(other, request(List.of("n2"), List.of()), CLOCK);
        Files.copy(other.resolve("n2.pem"), dir.resolve("n2.pem"));
        Files.copy(other.resolve("n2-key.pem"), dir.resolve("n2-key.pem"));
        assertThatThrownBy(() -> SecurityDirectory.ensure(dir, request(List.of("n1", "n2"), List.of()), CLOCK))
                .hasMessageContaining(dir.resolve("n2.pem") + " is not signed by " + dir.resolve("ca.pem"));

        Files.move(dir.resolve("ca-key.pem"), tmp.resolve("ca-key.pem.saved"));
        assertThatThrownBy(() -> SecurityDirectory.ensure(dir, request(List.of("n1", "n3"), List.of()), CLOCK))
                .hasMessageContaining(dir.resolve("ca-key.pem") + " is missing: cannot sign certificates for [n3]");
        assertThat(dir.resolve("n3.pem")).doesNotExist();

        assertThatThrownBy(() -> request(List.of("n1"), List.of("n1"))).hasMessageContaining("client name 'n1' is also a node id");
        Files.move(tmp.resolve("ca-key.pem.saved"), dir.resolve("ca-key.pem"));
        SecurityDirectory.ensure(dir, request(List.of("n1"), List.of("mirror")), CLOCK);
        assertThatThrownBy(() -> SecurityDirectory.ensure(dir, request(List.of("n1", "mirror"), List.of()), CLOCK))
                .hasMessageContaining(dir.resolve("mirror.pem") + " is a client certificate, not a node's");
        assertThatThrownBy(() -> request(List.of("../n1"), List.of())).hasMessageContaining("node id '../n1' must be");
        assertThatThrownBy(() -> request(List.of("ca"), List.of())).hasMessageContaining("reserved");
    }
}
