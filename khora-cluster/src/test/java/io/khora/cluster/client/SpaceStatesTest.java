package io.khora.cluster.client;

import io.khora.SpaceState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SpaceStatesTest {
    @Test
    void everyPartitionLedIsReadyWhateverANodeIsDoing() {
        assertThat(SpaceStates.merged(2, 1, new boolean[] {true, true, true})).as("a node restarting (INITIAL) does not matter")
                .isEqualTo(SpaceState.READY);
        assertThat(SpaceStates.merged(1, 0, new boolean[] {true})).isEqualTo(SpaceState.READY);
    }

    @Test
    void aPartitionWithoutLeaderIsRecover() {
        assertThat(SpaceStates.merged(3, 0, new boolean[] {true, false, true})).isEqualTo(SpaceState.RECOVER);
    }

    @Test
    void initialOnlyWhileNoAnsweringNodeReachedMinSeeders() {
        assertThat(SpaceStates.merged(0, 2, new boolean[] {false, false})).isEqualTo(SpaceState.INITIAL);
        assertThat(SpaceStates.merged(1, 2, new boolean[] {false, false})).isEqualTo(SpaceState.RECOVER);
    }

    @Test
    void noAnswerIsRecover() {
        assertThat(SpaceStates.merged(0, 0, new boolean[] {false})).isEqualTo(SpaceState.RECOVER);
    }

    @Test
    void aPartitionBetweenLeadersForLessThanTheGraceStillCountsAsLedButALongerOutageIsRecover() {
        long[] now = {0};
        SpaceStates states = new SpaceStates(2, () -> now[0]);
        assertThat(states.observe(3, 0, new boolean[] {true, true})).isEqualTo(SpaceState.READY);
        now[0] += SpaceStates.LEADERLESS_GRACE_NANOS / 2;
        assertThat(states.observe(3, 0, new boolean[] {true, false})).as("a leadership being handed over").isEqualTo(SpaceState.READY);
        now[0] += SpaceStates.LEADERLESS_GRACE_NANOS;
        assertThat(states.observe(3, 0, new boolean[] {true, false})).as("leaderless longer than the grace").isEqualTo(SpaceState.RECOVER);
        assertThat(states.observe(3, 0, new boolean[] {true, true})).isEqualTo(SpaceState.READY);
    }

    @Test
    void aPartitionNeverLedIsRecoverFromTheStart() {
        SpaceStates states = new SpaceStates(1, () -> 0L);
        assertThat(states.observe(3, 0, new boolean[] {false})).isEqualTo(SpaceState.RECOVER);
    }
}
