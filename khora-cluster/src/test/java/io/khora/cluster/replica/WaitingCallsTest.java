package io.khora.cluster.replica;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** How a caller's wait becomes a parked wait's time-out. */
class WaitingCallsTest {
    @Test
    void aWaitIsNoneAtLeastAMillisecondOrForever() {
        assertThat(WaitingCalls.waitMillis(Duration.ZERO)).isZero();
        assertThat(WaitingCalls.waitMillis(Duration.ofMillis(-5))).isZero();
        assertThat(WaitingCalls.waitMillis(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(WaitingCalls.waitMillis(Duration.ofSeconds(3))).isEqualTo(3_000);
        assertThat(WaitingCalls.waitMillis(Duration.ofDays(365L * 1000 + 1))).isEqualTo(Long.MAX_VALUE);
    }
}
