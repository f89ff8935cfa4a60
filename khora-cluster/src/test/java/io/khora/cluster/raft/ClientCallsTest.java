package io.khora.cluster.raft;

import io.khora.cluster.CallId;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientCallsTest {
    private static final byte[] OK = {0};

    @Test
    void aCallParkedBelowManyNewerOnesStaysApplicableWhileTheClientReportsItPending() {
        ClientCalls calls = new ClientCalls(8, 60_000);
        CallId parked = new CallId(1, 2, 5, 5, false);
        for (long s = 6; s < 1_000; s++) {
            CallId c = new CallId(1, 2, s, 5, false); // call 5 is still pending at the client
            assertThat(calls.lookup(c)).isNull();
            calls.record(c, OK, s, true);
        }
        assertThat(calls.responses()).isEqualTo(8); // the window bounds the memory
        assertThat(calls.lookup(parked)).isNull(); // a first attempt, never applied: applied now
        calls.record(parked, new byte[] {7}, 1_000, true);
        assertThat(calls.lookup(new CallId(1, 2, 5, 5, true))).containsExactly(7); // its retry gets the same answer
    }

    @Test
    void callsBelowTheReportedFloorAreForgottenAndRefused() {
        ClientCalls calls = new ClientCalls(1_024, 60_000);
        calls.record(new CallId(1, 2, 1, 1, false), OK, 0, true);
        calls.record(new CallId(1, 2, 2, 1, false), OK, 0, true);
        assertThat(calls.responses()).isEqualTo(2);
        calls.record(new CallId(1, 2, 3, 3, false), OK, 0, true); // calls 1 and 2 are answered for good
        assertThat(calls.responses()).isEqualTo(1);
        assertThatThrownBy(() -> calls.lookup(new CallId(1, 2, 2, 2, true))).isInstanceOf(ClientCalls.ForgottenCallException.class);
    }

    @Test
    void withoutAFloorTheWindowBoundsTheMemory() {
        ClientCalls calls = new ClientCalls(4, 60_000);
        for (long s = 1; s <= 10; s++) {
            calls.record(new CallId(9, 9, s), OK, s, true);
        }
        assertThat(calls.responses()).isEqualTo(4);
        assertThat(calls.lookup(new CallId(9, 9, 8))).isNotNull();
        assertThatThrownBy(() -> calls.lookup(new CallId(9, 9, 3))).isInstanceOf(ClientCalls.ForgottenCallException.class);
    }
}
