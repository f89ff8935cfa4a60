package io.khora.cluster.protocol;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reservations never exceed the capacity, also from many threads at once; released bytes can be reserved again. */
class FrameBudgetTest {
    @Test
    void aReservationOverTheCapacityIsRefusedAndReleasedBytesCanBeReservedAgain() {
        FrameBudget b = new FrameBudget(100);
        assertThat(b.tryReserve(60)).isTrue();
        assertThat(b.tryReserve(50)).isFalse();
        assertThat(b.held()).isEqualTo(60);
        assertThat(b.tryReserve(40)).isTrue();
        b.release(60);
        assertThat(b.tryReserve(50)).isTrue();
        assertThat(b.held()).isEqualTo(90);
        assertThatThrownBy(() -> new FrameBudget(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyThreadsTogetherNeverHoldMoreThanTheCapacity() throws Exception {
        FrameBudget b = new FrameBudget(10_000);
        AtomicLong most = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    if (b.tryReserve(1_000)) {
                        most.accumulateAndGet(b.held(), Math::max);
                        b.release(1_000);
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(most.get()).isLessThanOrEqualTo(10_000);
        assertThat(b.held()).isZero();
    }
}
