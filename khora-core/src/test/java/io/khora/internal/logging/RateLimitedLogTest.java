package io.khora.internal.logging;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** At most one line per kind per interval; the next line counts what was left out. */
class RateLimitedLogTest {
    @Test
    void aFloodOfOneKindWritesOneLinePerIntervalAndCountsTheRest() {
        List<String> lines = new ArrayList<>();
        AtomicLong now = new AtomicLong();
        RateLimitedLog log = new RateLimitedLog(lines::add, Duration.ofSeconds(10), now::get);
        assertThat(log.log("max-connections", () -> "refused 1")).isTrue();
        for (int i = 2; i <= 500; i++) {
            now.addAndGet(Duration.ofMillis(10).toNanos());
            assertThat(log.log("max-connections", () -> "refused")).isFalse();
        }
        assertThat(log.log("idle-timeout", () -> "closed idle")).as("another kind has its own interval").isTrue();
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        log.log("max-connections", () -> "refused 501");
        assertThat(lines).containsExactly("refused 1", "closed idle",
                "refused 501 (499 more like it in the last 10 s were not logged)");
    }

    @Test
    void aLineIsBuiltOnlyWhenWritten() {
        AtomicLong built = new AtomicLong();
        RateLimitedLog log = new RateLimitedLog(line -> { }, Duration.ofSeconds(10), () -> 0L);
        for (int i = 0; i < 100; i++) {
            log.log("frame-timeout", () -> {
                built.incrementAndGet();
                return "x";
            });
        }
        assertThat(built).hasValue(1);
    }
}
