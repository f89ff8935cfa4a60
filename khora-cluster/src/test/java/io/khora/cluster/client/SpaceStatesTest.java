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
}
