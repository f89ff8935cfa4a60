package io.khora.cluster.replica;

import io.khora.Lease;
import io.khora.Ticker;
import io.khora.WriteMode;
import io.khora.cluster.raft.StoredEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.khora.cluster.replica.ReplicationTest.TRADE;
import static io.khora.cluster.replica.ReplicationTest.get;
import static io.khora.cluster.replica.ReplicationTest.trade;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leases are computed from the leader's time carried in the log, so replicas agree on every expiry
 * even when their clocks disagree by an hour, and a fail-over to a replica with a skewed clock
 * neither expires nor freezes the leases.
 */
class LeaseDeterminismTest {
    static final long HOUR = 3_600_000L;

    /** A clock {@code offset} ms off this JVM's, for both the monotonic and the wall clock. */
    static Ticker skewed(long offset) {
        return () -> System.nanoTime() / 1_000_000L + offset;
    }

    @Test
    @Timeout(40)
    void replicasWithSkewedClocksAgreeOnExpiriesAndAFailoverKeepsLeaseLengths() throws Exception {
        Map<String, Long> skew = Map.of("A", 0L, "B", HOUR, "C", -HOUR);
        try (TestGroup g = TestGroup.start("leases", List.of("A", "B", "C"),
                b -> b.clocks(skewed(skew.get(b.build().raftId())), () -> System.currentTimeMillis() + skew.get(b.build().raftId())))) {
            ReplicatedPartition leader = g.awaitLeader(Duration.ofSeconds(10));
            long shortExpiry = get(leader.write(TRADE, trade("short", "S", 1), Lease.ofMillis(300), WriteMode.WRITE_ONLY)).expiresAt();
            long midExpiry = get(leader.write(TRADE, trade("mid", "S", 2), Lease.ofMillis(4_000), WriteMode.WRITE_ONLY)).expiresAt();
            get(leader.write(TRADE, trade("forever", "S", 3), Lease.FOREVER, WriteMode.WRITE_ONLY));
            assertThat(midExpiry - shortExpiry).isBetween(3_700L, 3_700L + 1_000L);

            // every replica holds the same expiries (contents compare them), whatever its clock
            List<StoredEntry> all = g.awaitConverged(Duration.ofSeconds(10));
            assertThat(all).extracting(StoredEntry::expiresAt).containsExactlyInAnyOrder(shortExpiry, midExpiry, Long.MAX_VALUE);
            // the leader's sweep removes the short one on every replica
            TestGroup.await(Duration.ofSeconds(10), () -> g.replicas().stream().allMatch(p -> p.stateMachine().contents().size() == 2),
                    () -> "the 300 ms lease to be swept everywhere: " + g.describe());
            assertThat(g.awaitConverged(Duration.ofSeconds(10))).extracting(e -> e.values()[0]).containsExactlyInAnyOrder("mid", "forever");

            // fail over to a replica whose clock is an hour off: log time goes on from the log, not from that clock
            long logTimeAtCrash = leader.stateMachine().ticker().logTime();
            g.crash(leader.config().raftId());
            ReplicatedPartition next = g.awaitLeader(Duration.ofSeconds(10));
            assertThat(skew.get(next.config().raftId())).isNotZero();
            StoredEntry mid = next.readById(TRADE, "mid");
            assertThat(mid).as("not expired by a clock an hour ahead").isNotNull();
            assertThat(mid.expiresAt()).isEqualTo(midExpiry);
            long at = next.stateMachine().ticker().logTime();
            long expiry = get(next.write(TRADE, trade("new", "S", 4), Lease.ofMillis(1_000), WriteMode.WRITE_ONLY)).expiresAt();
            assertThat(expiry - at).as("a 1 s lease lasts 1 s of log time").isBetween(1_000L, 1_000L + 1_000L);
            assertThat(at).isBetween(logTimeAtCrash, logTimeAtCrash + 2_000L);
            // and leases still run out (not frozen by a clock an hour behind)
            TestGroup.await(Duration.ofSeconds(10), () -> g.replicas().stream().allMatch(p -> p.stateMachine().contents().size() == 1),
                    () -> "the remaining leases to expire everywhere: " + g.describe());
            assertThat(g.awaitConverged(Duration.ofSeconds(5))).extracting(e -> e.values()[0]).containsExactly("forever");
        }
    }
}
