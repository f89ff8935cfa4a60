package io.khora.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Client gaps: the longest time a partition went without an acknowledgement, around a window. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AckTimelineTest {
    private static long ms(long ms) {
        return ms * 1_000_000;
    }

    @Test
    void theLongestGapOfAnyPartitionOverlappingTheWindowCounts() {
        AckTimeline t = new AckTimeline(2)
                .add(0, ms(0)).add(0, ms(100)).add(0, ms(1_100)).add(0, ms(1_200))
                .add(1, ms(0)).add(1, ms(50)).add(1, ms(400)).add(1, ms(450));
        assertThat(t.maxGapMillis(ms(500), ms(600))).as("partition 0's gap 100..1100 spans the window").isEqualTo(1_000);
        assertThat(t.maxGapMillis(ms(1_150), ms(1_200))).as("partition 1 got nothing from 450 ms on").isEqualTo(750);
        assertThat(t.maxGapMillis(ms(0), ms(60))).isEqualTo(350);
    }

    @Test
    void aPartitionWithoutAcknowledgementsInTheWindowHasTheWindowAsGap() {
        AckTimeline t = new AckTimeline(2).add(0, ms(0)).add(0, ms(10)).add(0, ms(20));
        assertThat(t.maxGapMillis(ms(0), ms(20))).isEqualTo(20);
        assertThat(new AckTimeline(1).add(0, ms(5)).maxGapMillis(ms(10), ms(300))).as("no acknowledgement after the last").isEqualTo(295);
    }

    @Test
    void theGapOfSomePartitionsIgnoresTheOthers() {
        AckTimeline t = new AckTimeline(3)
                .add(0, ms(0)).add(0, ms(900))
                .add(1, ms(0)).add(1, ms(100)).add(1, ms(300))
                .add(2, ms(0)).add(2, ms(200)).add(2, ms(250));
        assertThat(t.maxGap(List.of(1, 2), ms(50), ms(260))).isEqualTo(new AckTimeline.Gap(1, ms(100), ms(300)));
        assertThat(t.maxGap(List.of(2), ms(50), ms(260)).millis()).isEqualTo(200);
    }
}
