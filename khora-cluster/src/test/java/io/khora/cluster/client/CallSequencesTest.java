package io.khora.cluster.client;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class CallSequencesTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final CallSequences calls = new CallSequences(2, now::get);

    @Test
    void theFloorIsTheOldestCallStillAwaitingItsAnswer() {
        long a = calls.begin(0);
        long b = calls.begin(0);
        long other = calls.begin(1);

        assertThat(calls.answeredBelow(0)).isEqualTo(a);
        calls.end(0, a);
        assertThat(calls.answeredBelow(0)).isEqualTo(b);
        calls.end(0, b);
        assertThat(calls.answeredBelow(0)).as("nothing pending: every call so far is answered").isEqualTo(other + 1);
    }

    @Test
    void aHeldCallKeepsTheFloorUntilItIsResentAndAnswered() {
        long unknown = calls.begin(0);
        calls.hold(0, unknown, now.get() + 100);
        long later = calls.begin(0);
        calls.end(0, later);

        assertThat(calls.answeredBelow(0)).as("its response must stay remembered for the resend").isEqualTo(unknown);
        assertThat(calls.resume(0, unknown)).isTrue();
        assertThat(calls.answeredBelow(0)).as("open while the resend runs").isEqualTo(unknown);
        calls.end(0, unknown);
        assertThat(calls.answeredBelow(0)).isEqualTo(later + 1);
    }

    @Test
    void aResendThatIsUnknownAgainIsHeldAgain() {
        long unknown = calls.begin(0);
        calls.hold(0, unknown, now.get() + 100);
        assertThat(calls.resume(0, unknown)).isTrue();
        calls.hold(0, unknown, now.get() + 100);

        assertThat(calls.held(0)).isEqualTo(1);
        assertThat(calls.resume(0, unknown)).isTrue();
    }

    @Test
    void anAbandonedCallCannotBeResent() {
        long unknown = calls.begin(0);
        calls.hold(0, unknown, now.get() + 100);
        calls.end(0, unknown);

        assertThat(calls.resume(0, unknown)).isFalse();
        assertThat(calls.held(0)).isZero();
    }

    @Test
    void aHeldCallIsReleasedWhenItsResendDeadlinePasses() {
        long unknown = calls.begin(0);
        calls.hold(0, unknown, now.get() + TimeUnit.MINUTES.toNanos(8));
        long later = calls.begin(0);
        calls.end(0, later);

        now.addAndGet(TimeUnit.MINUTES.toNanos(8));

        assertThat(calls.answeredBelow(0)).as("released: the floor moves past it").isEqualTo(later + 1);
        assertThat(calls.resume(0, unknown)).as("too late: the partition may have forgotten the client").isFalse();
    }

    @Test
    void onlyAPendingCallCanBeHeld() {
        long answered = calls.begin(0);
        calls.end(0, answered);
        calls.hold(0, answered, now.get() + 100);

        assertThat(calls.held(0)).isZero();
    }
}
