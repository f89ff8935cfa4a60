package io.khora.internal.lifecycle;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    private final Backoff backoff = new Backoff(100, 30_000);

    @Test
    void eachDelayDoublesTheLastUpToTheMaximum() {
        assertThat(backoff.base(0)).isEqualTo(100);
        assertThat(backoff.base(100)).isEqualTo(200);
        assertThat(backoff.base(20_000)).isEqualTo(30_000);
        assertThat(backoff.base(30_000)).isEqualTo(30_000);
        assertThat(backoff.base(Long.MAX_VALUE)).isEqualTo(30_000);
        assertThat(backoff.base(3)).isEqualTo(100); // never below the initial delay
    }

    @Test
    void jitterKeepsEveryDelayInTheUpperHalfOfItsBaseAndSpreadsThem() {
        SplittableRandom random = new SplittableRandom(7);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 10_000; i++) {
            long d = backoff.next(1_000, random);
            assertThat(d).isBetween(1_000L, 2_000L);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(max - min).isGreaterThan(900);
    }

    @Test
    void aSeededRandomGivesTheSameSchedule() {
        long a = 0;
        long b = 0;
        SplittableRandom r1 = new SplittableRandom(42);
        SplittableRandom r2 = new SplittableRandom(42);
        for (int i = 0; i < 20; i++) {
            a = backoff.next(a, r1);
            b = backoff.next(b, r2);
            assertThat(a).isEqualTo(b);
        }
    }

    @Test
    void theCeilingOfAnAttemptDoublesFromTheInitialDelayWithoutOverflow() {
        Backoff b = new Backoff(5, 250);
        assertThat(b.ceiling(0)).isEqualTo(5);
        assertThat(b.ceiling(3)).isEqualTo(40);
        assertThat(b.ceiling(6)).isEqualTo(250);
        assertThat(b.ceiling(70)).isEqualTo(250);
        assertThat(new Backoff(3, Long.MAX_VALUE).ceiling(62)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void anInitialDelayBelowOneOrAboveTheMaximumIsRefusedNamingBoth() {
        assertThatThrownBy(() -> new Backoff(0, 10)).hasMessageContaining("initial 0 ms, max 10 ms");
        assertThatThrownBy(() -> new Backoff(20, 10)).hasMessageContaining("initial 20 ms, max 10 ms");
    }
}
