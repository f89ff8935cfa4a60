package io.khora.testing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChildProgressTest {
    private static Process sleeper(int seconds) throws Exception {
        return new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp", System.getProperty("java.class.path"),
                Sleeper.class.getName(), String.valueOf(seconds)).start();
    }

    /** A child that sleeps as long as told. */
    public static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(Long.parseLong(args[0]) * 1000);
        }
    }

    @Test
    void aChildThatStopsProgressingIsKilledAndNamed() throws Exception {
        Process child = sleeper(600);
        assertThatThrownBy(() -> ChildProgress.awaitEnd(child, () -> 7, Duration.ofSeconds(2), () -> "at 7"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("no progress for 2 s: at 7");
        assertThat(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("killed").isTrue();
    }

    @Test
    void aChildThatKeepsProgressingIsWaitedForPastTheStallLimit() throws Exception {
        Process child = sleeper(5);
        AtomicLong counter = new AtomicLong();
        ChildProgress.awaitEnd(child, counter::incrementAndGet, Duration.ofSeconds(2), () -> "");
        assertThat(child.isAlive()).isFalse();
        assertThat(child.exitValue()).as("it ended by itself").isZero();
    }
}
