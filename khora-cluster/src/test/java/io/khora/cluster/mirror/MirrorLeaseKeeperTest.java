package io.khora.cluster.mirror;

import io.khora.NoLeaderException;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.MirrorLeaseState;
import io.khora.persistence.MirrorFencedException;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mirror's side of the leases, on a manual clock: when it may deliver, renewals, fencing, refusal at start. */
class MirrorLeaseKeeperTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    /** The commands sent, and the answers the test gives them (in order). */
    private final List<Command.MirrorLease> sent = new ArrayList<>();
    private final List<CompletableFuture<MirrorLeaseState.Grant>> answers = new ArrayList<>();

    private MirrorLeaseKeeper keeper(int partitions) {
        return new MirrorLeaseKeeper("s", partitions, "me", 10_000, (p, c) -> {
            CompletableFuture<MirrorLeaseState.Grant> f = new CompletableFuture<>();
            synchronized (sent) {
                sent.add(c);
                answers.add(f);
            }
            if (c.kind() == Command.MirrorLease.Kind.ACQUIRE) {
                f.complete(new MirrorLeaseState.Grant(p + 1, 0)); // granted at once
            }
            return f;
        }, clock::get);
    }

    private CompletableFuture<MirrorLeaseState.Grant> last() {
        synchronized (sent) {
            return answers.get(answers.size() - 1);
        }
    }

    @Test
    void aMirrorDeliversUntilThreeQuartersOfALeaseAfterItsLastRenewalWasSentAndAgainOnceARenewalSucceeds() throws Exception {
        MirrorLeaseKeeper k = keeper(1);
        assertThat(k.mayDeliver(0)).as("before the lease is acquired").isFalse();
        k.acquireAll(clock.get(), clock.get() + 1_000, () -> { });
        assertThat(k.mayDeliver(0)).isTrue();
        assertThat(k.epoch(0)).isEqualTo(1);
        assertThat(k.renewIntervalMillis()).isEqualTo(2_000);

        clock.addAndGet(2_000);
        k.renewAll(); // sent at +2 s, answered only later
        CompletableFuture<MirrorLeaseState.Grant> renewal = last();
        assertThat(sent.get(sent.size() - 1)).isEqualTo(new Command.MirrorLease(Command.MirrorLease.Kind.RENEW, "me", 1, 10_000));
        clock.addAndGet(5_499);
        assertThat(k.mayDeliver(0)).as("7.499 s after the acquire was sent").isTrue();
        clock.addAndGet(1);
        assertThat(k.mayDeliver(0)).as("7.5 s after the acquire was sent, the renewal unanswered").isFalse();
        k.renewAll();
        assertThat(answers).as("no second renewal while one is in flight").hasSize(2);

        renewal.complete(new MirrorLeaseState.Grant(1, 0)); // counts from when it was sent: +2 s, so until +9.5 s
        assertThat(k.mayDeliver(0)).isTrue();
        clock.addAndGet(2_000);
        assertThat(k.mayDeliver(0)).as("9.5 s after the acquire").isFalse();
    }

    @Test
    void aRenewalThatFailsForAnotherReasonIsRetriedAndARefusedOneFencesThePartitionForGood() throws Exception {
        MirrorLeaseKeeper k = keeper(2);
        k.acquireAll(clock.get(), clock.get() + 1_000, () -> { });
        k.renewAll();
        answers.get(answers.size() - 2).completeExceptionally(new NoLeaderException("s", 0, "an election")); // partition 0: retried later
        last().completeExceptionally(new MirrorFencedException("taken over by other (epoch 3)", "other", 3, 99));
        assertThat(k.mayDeliver(0)).isTrue();
        assertThat(k.mayDeliver(1)).isFalse();
        assertThat(k.failure()).contains("partition 2").contains("this mirror (me, epoch 2) lost its lease")
                .contains("taken over by other (epoch 3)");
        int before = answers.size();
        k.renewAll();
        assertThat(answers.size() - before).as("only the partition not fenced is renewed").isEqualTo(1);
    }

    @Test
    void aMirrorRefusedAtStartReleasesTheLeasesItGotAndNamesTheHolder() {
        MirrorLeaseKeeper k = new MirrorLeaseKeeper("s", 3, "me", 10_000, (p, c) -> {
            synchronized (sent) {
                sent.add(c);
            }
            if (c.kind() == Command.MirrorLease.Kind.ACQUIRE && p == 1) {
                return CompletableFuture.failedFuture(new MirrorFencedException("held by other until later", "other", 7, 123));
            }
            return CompletableFuture.completedFuture(new MirrorLeaseState.Grant(5, 0));
        }, clock::get);
        assertThatThrownBy(() -> k.acquireAll(clock.get(), clock.get() + 60_000, () -> { }))
                .isInstanceOfSatisfying(MirrorFencedException.class, e -> assertThat(e.holder()).isEqualTo("other"))
                .hasMessageContaining("held by other");
        assertThat(sent).extracting(Command.MirrorLease::kind).containsExactly(Command.MirrorLease.Kind.ACQUIRE,
                Command.MirrorLease.Kind.ACQUIRE, Command.MirrorLease.Kind.RELEASE);
        assertThat(sent.get(2).epoch()).isEqualTo(5);
        assertThat(k.mayDeliver(0)).isFalse();
    }
}
