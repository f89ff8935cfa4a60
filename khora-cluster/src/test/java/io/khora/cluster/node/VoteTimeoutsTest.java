package io.khora.cluster.node;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VoteTimeoutsTest {
    @Test
    void eachFailedRoundWaitsTwiceAsLongUpToTheCap() {
        VoteTimeouts t = new VoteTimeouts(3_000);
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            waits.add(t.next());
            t.roundEnded(false);
        }
        assertThat(waits).containsExactly(600L, 1_200L, 2_400L, 3_000L, 3_000L, 3_000L);
    }

    @Test
    void anElectionStartsTheNextOneAtTheFirstWait() {
        VoteTimeouts t = new VoteTimeouts(3_000);
        t.roundEnded(false);
        t.roundEnded(false);
        t.roundEnded(true);
        assertThat(t.next()).isEqualTo(600);
    }

    @Test
    void aCapBelowTheFirstWaitKeepsJGroupsRaftsWait() {
        assertThat(new VoteTimeouts(100).next()).isEqualTo(600);
    }

    @Test
    void manyFailedRoundsDoNotOverflow() {
        VoteTimeouts t = new VoteTimeouts(Long.MAX_VALUE);
        for (int i = 0; i < 100; i++) {
            t.roundEnded(false);
        }
        assertThat(t.next()).isEqualTo(600L << 16);
    }
}
