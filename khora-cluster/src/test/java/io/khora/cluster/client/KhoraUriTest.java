package io.khora.cluster.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KhoraUriTest {
    @Test
    void parsesNodesSpaceAndOptions() {
        KhoraUri u = KhoraUri.parse("khora://10.0.0.1:7701,node2:7702/orders?timeout=2m&attempt-timeout=500ms&replication=all");
        assertThat(u.seeds()).extracting(a -> a.getHostString() + ":" + a.getPort()).containsExactly("10.0.0.1:7701", "node2:7702");
        assertThat(u.space()).isEqualTo("orders");
        assertThat(u.options().operationTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(u.options().attemptTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(u.options().allReplicas()).isTrue();
    }

    @Test
    void defaultsToMajorityAcknowledgementAndLinearizableReads() {
        assertThat(KhoraUri.parse("khora://h:1/s").options()).isEqualTo(ClientOptions.defaults());
        assertThat(ClientOptions.defaults().reads()).isEqualTo(ReadConsistency.LINEARIZABLE);
    }

    @Test
    void leaderLocalReadsAreAnExplicitOption() {
        assertThat(KhoraUri.parse("khora://h:1/s?reads=leader-local").options().reads()).isEqualTo(ReadConsistency.LEADER_LOCAL);
        assertThat(KhoraUri.parse("khora://h:1/s?reads=linearizable").options().reads()).isEqualTo(ReadConsistency.LINEARIZABLE);
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?reads=stale")).hasMessageContaining("reads must be 'linearizable' or 'leader-local', got 'stale'");
    }

    @Test
    void aNearCacheIsAnExplicitOptionWithASizeAndATimeToLive() {
        assertThat(ClientOptions.defaults().nearCache().enabled()).isFalse();
        NearCacheOptions n = KhoraUri.parse("khora://h:1/s?near-cache=true&near-cache-size=500&near-cache-ttl=5m").options().nearCache();
        assertThat(n).isEqualTo(new NearCacheOptions(true, 500, java.time.Duration.ofMinutes(5)));
        assertThat(KhoraUri.parse("khora://h:1/s?near-cache=true").options().nearCache())
                .isEqualTo(NearCacheOptions.of(NearCacheOptions.DEFAULT_MAX_ENTRIES));
    }

    @Test
    void badNearCacheOptionsNameWhatIsWrong() {
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?near-cache=yes")).hasMessageContaining("near-cache must be 'true' or 'false', got 'yes'");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?near-cache-size=5")).hasMessageContaining("near-cache-size and near-cache-ttl need near-cache=true");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?near-cache=true&near-cache-size=lots"))
                .hasMessageContaining("near-cache-size must be a number of entries, got 'lots'");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?near-cache=true&near-cache-size=0"))
                .hasMessageContaining("near-cache-size must be 1..100000000, got 0");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?near-cache=true&near-cache-ttl=0s")).hasMessageContaining("near-cache-ttl must be positive");
    }

    @Test
    void namesWhatIsWrong() {
        assertThatThrownBy(() -> KhoraUri.parse("http://h:1/s")).hasMessageContaining("must start with khora://");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1")).hasMessageContaining("names no space");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h/s")).hasMessageContaining("node 'h' must be host:port");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:x/s")).hasMessageContaining("port of node 'h:x' is not a number");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?replication=0.25")).hasMessageContaining("below a majority is not offered");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?timout=1s")).hasMessageContaining("unknown option 'timout'");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?timeout=soon")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?timeout=0s")).hasMessageContaining("timeout must be positive");
    }

    @Test
    void sizeLimitsAreOptionsAndBadOnesAreNamedWithTheLimit() {
        ClientOptions o = KhoraUri.parse("khora://h:1/s?max-frame-size=4MiB&max-entry-size=1m").options();
        assertThat(o.sizeLimits()).isEqualTo(new io.khora.cluster.protocol.SizeLimits(4 << 20, 1 << 20));
        assertThat(KhoraUri.parse("khora://h:1/s").options().sizeLimits())
                .isEqualTo(new io.khora.cluster.protocol.SizeLimits(64 << 20, 16 << 20));
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?max-entry-size=lots"))
                .hasMessageContaining("option max-entry-size: 'lots' is not a size like 16MiB");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?max-frame-size=4MiB"))
                .as("the default entry limit (16 MiB) does not fit a 4 MiB frame")
                .hasMessageContaining("max-entry-size 16777216 bytes (16.0 MiB) does not fit max-frame-size 4194304 bytes (4.0 MiB)")
                .hasMessageContaining("at most the frame size minus 64 KiB, here 4128768 bytes");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?max-frame-size=1KiB&max-entry-size=100"))
                .hasMessageContaining("max-frame-size must be between 131072 bytes (128.0 KiB) and 1073741824 bytes (1.0 GiB), got 1024 bytes");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?max-entry-size=0")).hasMessageContaining("max-entry-size must be positive, got 0");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?max-frame-size=3GiB"))
                .hasMessageContaining("'3GiB' is 3221225472 bytes; at most 2147483647 bytes");
    }

    @Test
    void securityOptionsGiveTlsAndCredentialsAndThePasswordNeverComesFromTheUri(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path ca = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "x");
        java.nio.file.Path cert = java.nio.file.Files.writeString(dir.resolve("c.pem"), "x");
        java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("c-key.pem"), "x");
        java.nio.file.Path pw = java.nio.file.Files.writeString(dir.resolve("app.password"), "s3cret\n");
        ClientSecurity s = KhoraUri.parse("khora://h:1/s?tls-ca=" + ca + "&user=app&password-file=" + pw).options().security();
        assertThat(s.tls()).isTrue();
        assertThat(s.ca()).isEqualTo(ca);
        assertThat(s.user()).isEqualTo("app");
        assertThat(new String(s.password())).isEqualTo("s3cret");
        assertThat(s.toString()).doesNotContain("s3cret").contains("password hidden");
        assertThat(KhoraUri.parse("khora://h:1/s?tls-ca=" + ca + "&tls-cert=" + cert + "&tls-key=" + key).options().security().authenticates()).isTrue();
        assertThat(KhoraUri.parse("khora://h:1/s?tls=off").options().security().tls()).isFalse();
        ClientSecurity fromEnv = KhoraUri.parse("khora://h:1/s?tls=off&user=app", n -> n.equals("KHORA_PASSWORD") ? "env-secret" : null)
                .options().security();
        assertThat(new String(fromEnv.password())).isEqualTo("env-secret");
    }

    @Test
    void badSecurityOptionsNameWhatIsWrong(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path ca = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "x");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?tls-ca=" + ca + "&password=hunter2"))
                .hasMessageContaining("a password never goes in a URI; use password-file=<path> or the environment variable KHORA_PASSWORD")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?tls-ca=" + dir.resolve("nope.pem")))
                .hasMessageContaining("tls-ca: file " + dir.resolve("nope.pem") + " does not exist");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?tls-ca=" + ca + "&user=app", n -> null))
                .hasMessageContaining("user=app needs a password: password-file=<path>, or the environment variable KHORA_PASSWORD");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?tls-ca=" + ca + "&password-file=" + ca)).hasMessageContaining("password-file needs user=<name>");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?tls-ca=" + ca + "&tls-cert=" + ca)).hasMessageContaining("needs both tls-cert=<pem> and tls-key=<pem>");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?tls=off&tls-ca=" + ca)).hasMessageContaining("tls=off contradicts tls-ca");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?tls=maybe")).hasMessageContaining("tls must be 'on' or 'off', got 'maybe'");
        java.nio.file.Path empty = java.nio.file.Files.writeString(dir.resolve("empty.password"), "\n");
        assertThatThrownBy(() -> KhoraUri.parse("khora://h:1/s?tls=off&user=u&password-file=" + empty)).hasMessageContaining("is empty");
    }

    @Test
    void aClientWithoutTlsCaRefusesToConnectSayingWhatToGive() {
        assertThatThrownBy(() -> ClusterClient.connect(KhoraUri.parse("khora://127.0.0.1:1/s")))
                .hasMessageContaining("no tls-ca given: Khora nodes serve TLS; give tls-ca=<ca.pem>")
                .hasMessageContaining("or tls=off for nodes started with security: none");
    }
}
