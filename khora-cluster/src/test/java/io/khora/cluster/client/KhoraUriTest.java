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
}
