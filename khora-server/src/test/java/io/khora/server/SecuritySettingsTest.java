package io.khora.server;

import io.khora.cluster.server.NodeConfig;
import io.khora.cluster.server.security.TlsFiles;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node's security settings in the node file and flags: secure by default, a security directory, the files one by one, none. */
class SecuritySettingsTest {
    @TempDir
    static Path dir;
    static Path certs;

    static final String NODES = "n1@127.0.0.1:7701:7801,n2@127.0.0.1:7702:7901,n3@127.0.0.1:7703:8001";

    @BeforeAll
    static void certificates() {
        certs = dir.resolve("certs");
        assertThat(Khora.run(new String[] {"certs", "--dir", certs.toString(), "--nodes", "n1,n2,n3"}, new PrintStream(new ByteArrayOutputStream()),
                System.err)).isZero();
    }

    static NodeConfig load(String... more) throws Exception {
        Map<String, String> flags = new HashMap<>(Map.of("id", "n1", "nodes", NODES, "space", "s:2:3:2", "data", dir.resolve("data").toString()));
        for (int i = 0; i < more.length; i += 2) {
            flags.put(more[i], more[i + 1]);
        }
        return NodeFile.load(flags);
    }

    @Test
    void aNodeWithoutSecuritySettingsRefusesToStartAndSaysWhatToRun() {
        assertThatThrownBy(SecuritySettingsTest::load).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no security settings")
                .hasMessageContaining("khora certs --dir certs --nodes n1,n2,n3")
                .hasMessageContaining("--security-dir certs")
                .hasMessageContaining("--security none");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Khora.run(new String[] {"node", "--id", "n1", "--nodes", NODES, "--space", "s:2:3:2"}, System.out, new PrintStream(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("no security settings");
    }

    @Test
    void aSecurityDirectoryGivesTheNodeItsFilesAndTlsBetweenNodes() throws Exception {
        NodeConfig c = load("security-dir", certs.toString());
        assertThat(c.tlsFiles()).contains(TlsFiles.inDirectory(certs, "n1"));
        assertThat(c.peerTls()).isPresent();

        Path file = dir.resolve("node.yaml");
        Files.writeString(file, "security:\n  dir: " + certs + "\n");
        NodeConfig fromFile = load("config", file.toString());
        assertThat(fromFile.tlsFiles()).contains(TlsFiles.inDirectory(certs, "n1"));
    }

    @Test
    void theFilesOneByOneOrNoneAreAcceptedAndAFlagWins() throws Exception {
        Path file = dir.resolve("files.yaml");
        Files.writeString(file, "security: {ca: " + certs.resolve("ca.pem") + ", cert: " + certs.resolve("n1.pem") + ", key: "
                + certs.resolve("n1-key.pem") + "}\n");
        assertThat(load("config", file.toString()).tlsFiles())
                .contains(new TlsFiles(certs.resolve("ca.pem"), certs.resolve("n1.pem"), certs.resolve("n1-key.pem")));
        assertThat(load("config", file.toString(), "security", "none").tlsFiles()).isEmpty();

        Path none = dir.resolve("none.yaml");
        Files.writeString(none, "security: none\n");
        assertThat(load("config", none.toString()).peerTls()).isEmpty();
        assertThat(load("config", none.toString(), "security-dir", certs.toString()).peerTls()).isPresent();
    }

    @Test
    void wrongSettingsAreNamed() throws Exception {
        assertThatThrownBy(() -> load("security", "off")).hasMessageContaining("--security: 'off' — the only value is none");
        assertThatThrownBy(() -> load("security", "none", "security-dir", certs.toString())).hasMessageContaining("contradict");
        assertThatThrownBy(() -> load("security-ca", certs.resolve("ca.pem").toString())).hasMessageContaining("'cert' is missing");
        assertThatThrownBy(() -> load("security-dir", dir.resolve("nowhere").toString())).hasMessageContaining("is not a directory");
        Path file = dir.resolve("typo.yaml");
        Files.writeString(file, "security: {directory: certs}\n");
        assertThatThrownBy(() -> load("config", file.toString())).hasMessageContaining("security: unknown key 'directory'");
        assertThatThrownBy(() -> load("id", "n4", "nodes", NODES + ",n4@127.0.0.1:7704:8101", "security-dir", certs.toString()))
                .hasMessageContaining("has no certificate for node n4 (n4.pem)").hasMessageContaining("khora certs --dir " + certs);
        assertThatThrownBy(() -> load("security-dir", certs.toString(), "security-key", certs.resolve("n2-key.pem").toString()))
                .hasMessageContaining("is not the private key of the certificate");
    }
}
