package io.khora.cluster.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBackoffTest {
    @Test
    void doublesFromFiveMillisToAHundredWhileAnElectionMayBeUnderWay() {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < RetryBackoff.EAGER_RETRIES; i++) {
            delays.add(RetryBackoff.delayMillis(i));
        }
        assertThat(delays).containsExactly(5L, 10L, 20L, 40L, 80L, 100L, 100L, 100L, 100L, 100L);
        assertThat(delays.stream().mapToLong(Long::longValue).sum()).as("the eager span").isEqualTo(655);
    }

    @Test
    void thenWaitsAQuarterSecondForAsLongAsTheCallLasts() {
        assertThat(RetryBackoff.delayMillis(RetryBackoff.EAGER_RETRIES)).isEqualTo(250);
        assertThat(RetryBackoff.delayMillis(1_000_000)).isEqualTo(250);
    }
}
