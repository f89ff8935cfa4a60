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

/**
 * The node's security settings in the node file and flags: secure by default, a security directory,
 * the files one by one, none; the files are read and checked when the configuration is loaded, so a
 * wrong path or a key of another certificate stops the node before it binds a port.
 */
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

    static Path yaml(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aNodeWithoutSecuritySettingsRefusesToStartAndSaysWhatToRun() {
        assertThatThrownBy(SecuritySettingsTest::load).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node n1 has no security settings, and a node does not start without")
                .hasMessageContaining("khora certs --dir certs --nodes n1,n2,n3")
                .hasMessageContaining("start the node with --security-dir certs (or `security: {dir: certs}` in the node file)")
                .hasMessageContaining("give --security none (or `security: none`)");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Khora.run(new String[] {"node", "--id", "a", "--nodes", "a@127.0.0.1:7701:7801", "--space", "s:1:1:1"}, System.out,
                new PrintStream(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("no security settings").contains("khora certs --dir certs --nodes a");
    }

    @Test
    void aSecurityDirectoryGivesTheNodeItsFilesAndTlsBetweenNodes() throws Exception {
        NodeConfig c = load("security-dir", certs.toString());
        assertThat(c.security().enabled()).isTrue();
        assertThat(c.security().ca()).isEqualTo(certs.resolve("ca.pem"));
        assertThat(c.security().cert()).isEqualTo(certs.resolve("n1.pem"));
        assertThat(c.security().key()).isEqualTo(certs.resolve("n1-key.pem"));
        assertThat(c.security().users()).isEqualTo(certs.resolve("users.yaml"));
        assertThat(c.tlsFiles()).contains(TlsFiles.inDirectory(certs, "n1"));
        assertThat(c.peerTls()).isPresent();

        NodeConfig fromFile = load("config", yaml("node.yaml", "security:\n  dir: " + certs + "\n").toString(), "id", "n2");
        assertThat(fromFile.tlsFiles()).contains(TlsFiles.inDirectory(certs, "n2"));
    }

    @Test
    void theFilesOneByOneOrNoneAreAcceptedAndAFlagWins() throws Exception {
        Path files = yaml("files.yaml", "security: {ca: " + certs.resolve("ca.pem") + ", cert: " + certs.resolve("n1.pem") + ", key: "
                + certs.resolve("n1-key.pem") + ", users: " + certs.resolve("users.yaml") + "}\n");
        assertThat(load("config", files.toString()).tlsFiles())
                .contains(new TlsFiles(certs.resolve("ca.pem"), certs.resolve("n1.pem"), certs.resolve("n1-key.pem")));
        assertThat(load("config", files.toString(), "security", "none").tlsFiles()).as("--security none wins over the file").isEmpty();

        Path users = dir.resolve("elsewhere-users.yaml");
        Files.copy(certs.resolve("users.yaml"), users);
        NodeConfig oneFlag = load("config", yaml("dir.yaml", "security: {dir: " + certs + "}\n").toString(), "security-users", users.toString());
        assertThat(oneFlag.security().users()).as("a flag overrides one file of the directory").isEqualTo(users);
        assertThat(oneFlag.security().ca()).isEqualTo(certs.resolve("ca.pem"));

        Path none = yaml("none.yaml", "security: none\n");
        assertThat(load("config", none.toString()).peerTls()).isEmpty();
        assertThat(load("config", none.toString(), "security-dir", certs.toString()).peerTls()).as("a flag wins over `none`").isPresent();
    }

    @Test
    void wrongSettingsAreNamed() throws Exception {
        assertThatThrownBy(() -> load("security", "off"))
                .hasMessageContaining("--security: 'off' is not a setting; use --security none, or --security-dir DIR");
        assertThatThrownBy(() -> load("security", "none", "security-dir", certs.toString()))
                .hasMessageContaining("--security none contradicts the --security-* flags");
        assertThatThrownBy(() -> load("security-ca", certs.resolve("ca.pem").toString()))
                .hasMessageContaining("security: 'cert' is missing: give dir (what khora certs wrote) or all of ca, cert, key and users");
        assertThatThrownBy(() -> load("security-dir", dir.resolve("nowhere").toString())).hasMessageContaining("is not a directory");
        assertThatThrownBy(() -> load("config", yaml("typo.yaml", "security: {directory: certs}\n").toString()))
                .hasMessageContaining("security: unknown key 'directory'");
        assertThatThrownBy(() -> load("id", "n4", "nodes", NODES + ",n4@127.0.0.1:7704:8101", "security-dir", certs.toString()))
                .hasMessageContaining("has no certificate for node n4 (n4.pem)").hasMessageContaining("khora certs --dir " + certs);
        assertThatThrownBy(() -> load("security-dir", certs.toString(), "security-key", certs.resolve("n2-key.pem").toString()))
                .hasMessageContaining("is not the private key of the certificate");
        assertThatThrownBy(() -> load("security-dir", certs.toString(), "security-ca", dir.resolve("no-ca.pem").toString()))
                .hasMessageContaining("no-ca.pem does not exist");
    }
}
