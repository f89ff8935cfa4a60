package io.khora.cluster.server;

import io.khora.Space;
import io.khora.Spaces;
import io.khora.annotation.SpaceId;
import io.khora.cluster.server.security.NodeSecurity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A node refuses to start without security settings; {@code security: none} is explicit, warns, and serves plain TCP. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecurityNoneTest {
    /** A note. */
    public record Note(@SpaceId String id, String text) {
    }

    @Test
    void aNodeWithoutSecuritySettingsDoesNotStartAndSaysWhatToRun() throws Exception {
        try (LocalCluster cluster = LocalCluster.configure("no-security", 2, "notes", 1, 2, 1)) {
            NodeConfig.Builder b = NodeConfig.builder(cluster.spec, "n1").dataDirectory(cluster.dataRoot.resolve("n1"));
            assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("node n1 has no security settings, and a node does not start without")
                    .hasMessageContaining("khora certs --dir certs --nodes n1,n2")
                    .hasMessageContaining("--security-dir certs")
                    .hasMessageContaining("--security none");
        }
    }

    @Test
    void securityNoneServesPlainClientsAndWarnsAtStart() throws Exception {
        try (LocalCluster cluster = LocalCluster.configure("security-none", 1, "notes", 1, 1, 1)
                .withNodeSettings(b -> b.security(NodeSecurity.none()))) {
            KhoraNode node = cluster.start("n1");
            cluster.awaitReady(Duration.ofSeconds(60));
            assertThat(KhoraNode.securityWarning(node.config())).contains("node n1 runs with security: none")
                    .contains("anyone who can reach it can read, write and clear every space");
            try (Space plain = Spaces.connect(cluster.nodes() + "/notes?timeout=20s&tls=off")) {
                plain.write(new Note("a", "hello"));
                assertThat(plain.readById(Note.class, "a")).isEqualTo(new Note("a", "hello"));
            }
            assertThatThrownBy(() -> Spaces.connect(cluster.uri("notes").replace("timeout=20s", "timeout=5s")))
                    .hasMessageContaining("TLS handshake with node")
                    .hasMessageContaining("does the node run with security: none? then connect with tls=off");
        }
    }

    @Test
    void aSecuredNodeHasNoWarning() throws Exception {
        try (LocalCluster cluster = LocalCluster.configure("secured", 1, "notes", 1, 1, 1)) {
            assertThat(KhoraNode.securityWarning(cluster.config("n1"))).isNull();
        }
    }
}
