package io.khora.cluster.server.security;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Failed authentications per address, and rate-limited log lines, on an injected clock. */
class AuthThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void anAddressIsRefusedAfterItsFailuresUntilTheWindowEnds() {
        AuthThrottle t = new AuthThrottle(3, Duration.ofMinutes(1), now::get);
        for (int i = 1; i <= 3; i++) {
            assertThat(t.refusedForMillis("10.0.0.1")).isZero();
            assertThat(t.failed("10.0.0.1")).isEqualTo(i);
            now.addAndGet(Duration.ofSeconds(1).toNanos());
        }
        assertThat(t.refusedForMillis("10.0.0.1")).isEqualTo(57_000);
        assertThat(t.refusedForMillis("10.0.0.2")).as("other addresses are not affected").isZero();
        now.addAndGet(Duration.ofSeconds(57).toNanos());
        assertThat(t.refusedForMillis("10.0.0.1")).as("the window ended").isZero();
        assertThat(t.failed("10.0.0.1")).as("a new window").isEqualTo(1);
    }

    @Test
    void theLogGetsOneLinePerAddressAndIntervalCountingTheSuppressedOnes() {
        LogLimiter l = new LogLimiter(Duration.ofSeconds(10), now::get);
        assertThat(l.permit("a")).isZero();
        assertThat(l.permit("a")).isEqualTo(-1);
        assertThat(l.permit("a")).isEqualTo(-1);
        assertThat(l.permit("b")).isZero();
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(l.permit("a")).isEqualTo(2);
        assertThat(l.permit("a")).isEqualTo(-1);
    }
}
