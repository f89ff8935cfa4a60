package io.khora.server;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsSettingsTest {
    @Test
    void offUnlessAPortOrJmxIsGiven() {
        assertThat(MetricsSettings.of(Map.of(), "--", "10.0.0.5").enabled()).isFalse();
        assertThat(MetricsSettings.of(Map.of("metrics-jmx", "true"), "--", "127.0.0.1").enabled()).isTrue();
        MetricsSettings s = MetricsSettings.of(Map.of("metrics-port", "9401"), "--", "127.0.0.1");
        assertThat(s).isEqualTo(new MetricsSettings(9401, "127.0.0.1", false));
    }

    @Test
    void theBindAddressDefaultsToTheGivenHostUnlessSet() {
        assertThat(MetricsSettings.of(Map.of("metrics-port", 9401), "node.", "localhost").bind()).isEqualTo("localhost");
        assertThat(MetricsSettings.of(Map.of("metrics-port", 9401, "metrics-bind", "0.0.0.0"), "node.", "localhost").bind())
                .isEqualTo("0.0.0.0");
    }

    @Test
    void badValuesAreNamedWithTheirPlace() {
        assertThatThrownBy(() -> MetricsSettings.of(Map.of("metrics-port", "70000"), "node.yaml: node.", "127.0.0.1"))
                .hasMessage("node.yaml: node.metrics-port: '70000' must be a TCP port, 1 to 65535");
        assertThatThrownBy(() -> MetricsSettings.of(Map.of("metrics-port", "x"), "--", "127.0.0.1"))
                .hasMessage("--metrics-port: 'x' must be a TCP port, 1 to 65535");
        assertThatThrownBy(() -> MetricsSettings.of(Map.of("metrics-jmx", "yes"), "--", "127.0.0.1"))
                .hasMessage("--metrics-jmx: 'yes' must be true or false");
        assertThatThrownBy(() -> MetricsSettings.of(Map.of("metrics-port", "9401", "metrics-bind", "no.such.host.invalid"), "--", "127.0.0.1"))
                .hasMessageStartingWith("--metrics-bind: 'no.such.host.invalid' is not an address of this machine");
    }
}
