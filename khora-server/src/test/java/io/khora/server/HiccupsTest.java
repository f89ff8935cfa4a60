package io.khora.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The test JVM's stalls: the longest, and how much of a window they covered. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HiccupsTest {
    private static long ms(long ms) {
        return ms * 1_000_000;
    }

    @Test
    void theLongestStallAndTheLongestPartOfOneInsideAWindow() {
        Hiccups h = new Hiccups();
        h.note(new Hiccups.Stall(ms(100), ms(130)));
        h.note(new Hiccups.Stall(ms(500), ms(800)));
        assertThat(h.longest()).isEqualTo(new Hiccups.Stall(ms(500), ms(800)));
        assertThat(h.longestWithinMillis(ms(0), ms(200))).isEqualTo(30);
        assertThat(h.longestWithinMillis(ms(700), ms(1_000))).as("only its part inside the window").isEqualTo(100);
        assertThat(h.longestWithinMillis(ms(200), ms(400))).isZero();
    }

    @Test
    void aRunningMeterNotesNothingOnAnIdleJvmOrItsStalls() throws InterruptedException {
        Hiccups h = new Hiccups();
        h.startMeter();
        Thread.sleep(50);
        h.close();
        Hiccups.Stall s = h.longest();
        assertThat(s == null || s.millis() >= Hiccups.NOTED_MILLIS).isTrue();
    }
}
