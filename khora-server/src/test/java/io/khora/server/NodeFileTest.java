package io.khora.server;

import io.khora.cluster.server.NodeConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeFileTest {
    @TempDir
    Path dir;

    private Path file(String yaml) throws Exception {
        Path f = dir.resolve("cluster.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private static final String CLUSTER = """
            cluster:
              nodes:
                - {id: n1, host: 127.0.0.1, client-port: 7701, raft-port: 7801}
                - {id: n2, host: 127.0.0.1, client-port: 7702, raft-port: 7901}
                - {id: n3, host: 127.0.0.1, client-port: 7703, raft-port: 8001}
              spaces:
                - {name: orders, partitions: 4, replicas: 3}
            security: none
            """;

    @Test
    void aFileAndFlagsMakeANodeConfigWithFlagsWinning() throws Exception {
        Path f = file(CLUSTER + "node:\n  id: n1\n  operation-timeout: 7s\n");
        NodeConfig c = NodeFile.load(Map.of("config", f.toString(), "id", "n2", "data", dir.resolve("d").toString()));
        assertThat(c.nodeId()).isEqualTo("n2");
        assertThat(c.operationTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(c.spec().space("orders").orElseThrow().minSeeders()).isEqualTo(2); // a majority of the replicas by default
        assertThat(c.dataDirectory()).isEqualTo(dir.resolve("d").toAbsolutePath());
    }

    @Test
    void theLeaderBalanceIntervalComesFromTheFileOrAFlagAndZeroTurnsBalancingOff() throws Exception {
        NodeConfig defaults = NodeFile.load(Map.of("config", file(CLUSTER).toString(), "id", "n1"));
        assertThat(defaults.leaderBalanceInterval()).isEqualTo(Duration.ofSeconds(5));
        Path f = file(CLUSTER + "node:\n  id: n1\n  leader-balance-interval: 30s\n");
        assertThat(NodeFile.load(Map.of("config", f.toString())).leaderBalanceInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(NodeFile.load(Map.of("config", f.toString(), "leader-balance-interval", "0s")).leaderBalanceInterval())
                .as("a flag wins; 0s: off").isZero();
        assertThatThrownBy(() -> NodeFile.load(Map.of("config", f.toString(), "leader-balance-interval", "often")))
                .hasMessageContaining("node.leader-balance-interval: 'often' is not a duration");
    }

    @Test
    void flagsAloneDescribeACluster() throws Exception {
        NodeConfig c = NodeFile.load(Map.of("id", "a", "nodes", "a@127.0.0.1:7701:7801,b@127.0.0.1:7702:7901", "space", "s:2:2:1,t:1:1:1",
                "security", "none"));
        assertThat(c.spec().nodes()).hasSize(2);
        assertThat(c.spec().spaces()).hasSize(2);
    }

    @Test
    void anUnknownKeyDirectlyUnderClusterIsAnErrorWithASuggestion() throws Exception {
        Path typo = file(CLUSTER.replace("  spaces:", "  spacse:"));
        assertThatThrownBy(() -> NodeFile.load(Map.of("config", typo.toString(), "id", "n1")))
                .hasMessageContaining("cluster: unknown key 'spacse'; did you mean 'spaces'?");
    }

    @Test
    void typosAndBadValuesAreNamedWithTheirPlace() throws Exception {
        Path typo = file(CLUSTER.replace("client-port: 7702", "clientport: 7702"));
        assertThatThrownBy(() -> NodeFile.load(Map.of("config", typo.toString(), "id", "n1")))
                .hasMessageContaining("cluster.nodes[1]: unknown key 'clientport'");
        Path badTimeout = file(CLUSTER + "node:\n  operation-timeout: soon\n");
        assertThatThrownBy(() -> NodeFile.load(Map.of("config", badTimeout.toString(), "id", "n1")))
                .hasMessageContaining("node.operation-timeout: 'soon' is not a duration");
        assertThatThrownBy(() -> NodeFile.load(Map.of("config", file(CLUSTER).toString())))
                .hasMessageContaining("which node is this? give --id");
        assertThatThrownBy(() -> NodeFile.load(Map.of("config", file(CLUSTER).toString(), "id", "n9")))
                .hasMessageContaining("node 'n9' is not in the cluster spec");
        assertThatThrownBy(() -> NodeFile.load(Map.of("config", dir.resolve("missing.yaml").toString(), "id", "n1")))
                .hasMessageContaining("does not exist");
    }

    @Test
    void sizeLimitsComeFromTheFileOrFlagsAndBadOnesAreNamedWithTheLimit() throws Exception {
        Path f = file(CLUSTER + "node:\n  id: n1\n  max-frame-size: 8MiB\n  max-entry-size: 2MiB\n");
        NodeConfig c = NodeFile.load(Map.of("config", f.toString()));
        assertThat(c.sizeLimits()).isEqualTo(new io.khora.cluster.protocol.SizeLimits(8 << 20, 2 << 20));
        NodeConfig flagged = NodeFile.load(Map.of("config", f.toString(), "max-entry-size", "1048576"));
        assertThat(flagged.sizeLimits().maxEntryBytes()).as("a flag wins").isEqualTo(1 << 20);

        assertThatThrownBy(() -> NodeFile.load(Map.of("config", f.toString(), "max-frame-size", "big")))
                .hasMessageContaining("node.max-frame-size: 'big' is not a size like 16MiB");
        assertThatThrownBy(() -> NodeFile.load(Map.of("config", f.toString(), "max-entry-size", "8MiB")))
                .hasMessageContaining("node: max-entry-size 8388608 bytes (8.0 MiB) does not fit max-frame-size 8388608 bytes (8.0 MiB)")
                .hasMessageContaining("here 8323072 bytes");
        assertThatThrownBy(() -> NodeFile.load(Map.of("config", f.toString(), "max-frame-size", "2GiB")))
                .hasMessageContaining("node.max-frame-size: '2GiB' is 2147483648 bytes; at most 2147483647 bytes");
        assertThatThrownBy(() -> NodeFile.load(Map.of("config", f.toString(), "max-frame-size", "1GiB", "max-entry-size", "0")))
                .hasMessageContaining("max-entry-size must be positive, got 0");
        assertThatThrownBy(() -> NodeFile.load(Map.of("config", f.toString(), "max-frame-size", "16KiB", "max-entry-size", "1KiB")))
                .hasMessageContaining("max-frame-size must be between 131072 bytes (128.0 KiB) and 1073741824 bytes (1.0 GiB), got 16384 bytes");
        assertThatThrownBy(() -> NodeFile.load(Map.of("config", file(CLUSTER + "node:\n  id: n1\n  max-entry: 1MiB\n").toString())))
                .hasMessageContaining("node: unknown key 'max-entry'");
        assertThat(NodeFile.load(Map.of("config", file(CLUSTER).toString(), "id", "n1")).sizeLimits())
                .isEqualTo(io.khora.cluster.protocol.SizeLimits.defaults());
    }

    @Test
    void clientPortLimitsComeFromTheFileOrFlagsWithSaneDefaultsAndBadOnesAreNamed() throws Exception {
        NodeConfig defaults = NodeFile.load(Map.of("config", file(CLUSTER).toString(), "id", "n1"));
        assertThat(defaults.clientPortLimits()).isEqualTo(io.khora.cluster.server.ClientPortLimits.DEFAULTS);
        assertThat(defaults.javaDeserialization().refusesAll()).as("Java-serialized values refused by default").isTrue();

        Path f = file(CLUSTER + "node:\n  id: n1\n  max-connections: 500\n  max-connections-per-address: 50\n  idle-timeout: 2m\n"
                + "  frame-timeout: 20s\n  write-buffer-high: 8MiB\n  write-buffer-low: 2MiB\n  max-write-buffer: 64MiB\n"
                + "  max-incomplete-frames-memory: 512MiB\n  java-serialization-allow: 'com.acme.*;java.lang.*'\n");
        NodeConfig c = NodeFile.load(Map.of("config", f.toString(), "idle-timeout", "30s"));
        assertThat(c.clientPortLimits()).isEqualTo(new io.khora.cluster.server.ClientPortLimits(500, 50, Duration.ofSeconds(30),
                Duration.ofSeconds(20), 2 << 20, 8 << 20, 64 << 20, 512 << 20));
        assertThat(c.javaDeserialization().allowPattern()).isEqualTo("com.acme.*;java.lang.*");

        String[][] bad = {
                {"max-connections", "lots", "node.max-connections: 'lots' is not a whole number"},
                {"max-connections", "0", "node.max-connections must be positive, got 0"},
                {"max-connections-per-address", "600", "node.max-connections-per-address 600 exceeds max-connections 500"},
                {"idle-timeout", "forever", "node.idle-timeout: 'forever' is not a duration like 500ms, 30s or 2m"},
                {"frame-timeout", "0s", "node.frame-timeout must be positive, got PT0S"},
                {"write-buffer-low", "16MiB", "node.write-buffer-low 16777216 bytes (16.0 MiB) exceeds write-buffer-high 8388608 bytes"},
                {"max-write-buffer", "1MiB", "node.max-write-buffer 1048576 bytes (1.0 MiB) is below write-buffer-high"},
                {"max-incomplete-frames-memory", "1MiB", "max-incomplete-frames-memory 1048576 bytes (1.0 MiB) is below max-frame-size"},
                {"java-serialization-allow", "maxdepth=deep", "node.java-serialization-allow 'maxdepth=deep' is not a valid ObjectInputFilter"},
        };
        for (String[] b : bad) {
            assertThatThrownBy(() -> NodeFile.load(Map.of("config", f.toString(), b[0], b[1]))).as(b[0] + " " + b[1])
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(b[2]);
        }
    }

    @Test
    void theCommandLineSaysWhatIsWrongAndExitsWithTwo() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = Khora.run(new String[] {"node", "--nodes", "n1@nowhere"}, System.out, new java.io.PrintStream(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("must be id@host:client-port:raft-port");
    }

    @Test
    void aSpaceDeclaresWriteBehindInTheFileOrWithAFlagAndBadSettingsAreNamed() throws Exception {
        String wb = CLUSTER.replace("{name: orders, partitions: 4, replicas: 3}",
                "{name: orders, partitions: 4, replicas: 3, write-behind: {max-pending: 500, backlog-wait: 2s}}");
        NodeConfig c = NodeFile.load(Map.of("config", file(wb).toString(), "id", "n1"));
        assertThat(c.spec().space("orders").orElseThrow().writeBehind())
                .isEqualTo(new io.khora.cluster.server.ClusterSpec.WriteBehindSpec(500, java.time.Duration.ofSeconds(2)));
        NodeConfig f = NodeFile.load(Map.of("id", "a", "nodes", "a@127.0.0.1:7701:7801", "space", "s:2:1:1:write-behind", "security", "none"));
        assertThat(f.spec().space("s").orElseThrow().writeBehind()).isEqualTo(io.khora.cluster.server.ClusterSpec.WriteBehindSpec.DEFAULTS);

        String typo = CLUSTER.replace("{name: orders, partitions: 4, replicas: 3}",
                "{name: orders, partitions: 4, replicas: 3, write-behind: {max-pendng: 5}}");
        assertThatThrownBy(() -> NodeFile.load(Map.of("config", file(typo).toString(), "id", "n1")))
                .hasMessageContaining("cluster.spaces[0].write-behind").hasMessageContaining("unknown key 'max-pendng'");
        String zero = CLUSTER.replace("{name: orders, partitions: 4, replicas: 3}",
                "{name: orders, partitions: 4, replicas: 3, write-behind: {max-pending: 0}}");
        assertThatThrownBy(() -> NodeFile.load(Map.of("config", file(zero).toString(), "id", "n1")))
                .hasMessageContaining("cluster.spaces[0].write-behind").hasMessageContaining("max-pending must be at least 1");
        assertThatThrownBy(() -> NodeFile.load(Map.of("id", "a", "nodes", "a@127.0.0.1:7701:7801", "space", "s:2:1:1:wb", "security", "none")))
                .hasMessageContaining("name:partitions:replicas:min-seeders[:write-behind]");
    }

    @Test
    void theMirrorCommandSaysWhatIsMissingOrWrongAndExitsWithTwo() {
        String[][] cases = {
                {"mirror", "--jdbc-url", "jdbc:postgresql://x/y", "--entities", "a.B"},
                {"mirror", "--connect", "khora://127.0.0.1:1/s"},
                {"mirror", "--connect", "khora://127.0.0.1:1/s", "--jdbc-url", "jdbc:x", "--entities", "no.such.Entity"},
                {"mirror", "--connect", "khora://127.0.0.1:1/s", "--endpoint-class", "java.lang.String"},
                {"mirror", "--connect", "khora://127.0.0.1:1/s", "--batch-sise", "5"},
                {"mirror", "--connect", "khora://127.0.0.1:1/s", "--jdbc-url", "jdbc:x", "--jdbc-password", "secret", "--entities", "a.B"},
        };
        String[] expected = {"--connect khora://", "needs --jdbc-url and --entities", "--entities: no.such.Entity is not on the class path",
                "is not a io.khora.persistence.SpaceSynchronizationEndpoint", "unknown flag --batch-sise",
                "--jdbc-password is not accepted: a password on the command line is visible to every user of the machine (ps); put it in"
                        + " a file readable only by the mirror's user and give --jdbc-password-file FILE, or set the environment variable"
                        + " KHORA_JDBC_PASSWORD"};
        for (int i = 0; i < cases.length; i++) {
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int code = Khora.run(cases[i], System.out, new java.io.PrintStream(err));
            assertThat(code).as(String.join(" ", cases[i])).isEqualTo(2);
            assertThat(err.toString()).contains(expected[i]);
        }
    }

    @Test
    void clientFlagsGiveTheSecurityOfStatusAndMirrorFromADirectoryOrOneByOne() throws Exception {
        Files.writeString(dir.resolve("ca.pem"), "x");
        Files.writeString(dir.resolve("admin.password"), "pw\n");
        Files.writeString(dir.resolve("mirror.pem"), "x");
        Files.writeString(dir.resolve("mirror-key.pem"), "x");
        var admin = ClientFlags.security(Map.of("security-dir", dir.toString()), "admin", Map.of());
        assertThat(admin.ca()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(admin.user()).isEqualTo("admin");
        var mirror = ClientFlags.security(Map.of("security-dir", dir.toString()), "mirror", Map.of());
        assertThat(mirror.cert()).isEqualTo(dir.resolve("mirror.pem"));
        assertThat(mirror.user()).isNull();
        assertThat(ClientFlags.security(Map.of("tls", "off"), "admin", Map.of()).tls()).isFalse();
        assertThat(ClientFlags.security(Map.of("timeout", "2s"), "admin", Map.of())).isNull();
        var env = ClientFlags.security(Map.of("tls-ca", dir.resolve("ca.pem").toString(), "user", "ops"), "admin", Map.of("KHORA_PASSWORD", "e"));
        assertThat(env.user()).isEqualTo("ops");
        assertThatThrownBy(() -> ClientFlags.security(Map.of("tls-ca", dir.resolve("ca.pem").toString(), "user", "ops"), "admin", Map.of()))
                .hasMessageContaining("--user ops needs --password-file or the environment variable KHORA_PASSWORD");
        assertThatThrownBy(() -> ClientFlags.security(Map.of("user", "ops", "password-file", dir.resolve("admin.password").toString()), "admin",
                Map.of())).hasMessageContaining("give --tls-ca <ca.pem> (or --security-dir DIR), or --tls off");
        assertThatThrownBy(() -> ClientFlags.security(Map.of("tls-ca", "nope.pem"), "admin", Map.of()))
                .hasMessageContaining("--tls-ca: file nope.pem does not exist");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        assertThat(Khora.run(new String[] {"status", "--nodes", "127.0.0.1:1"}, System.out, new java.io.PrintStream(err))).isEqualTo(2);
        assertThat(err.toString()).contains("how to reach the nodes? give --security-dir DIR");
    }
}
