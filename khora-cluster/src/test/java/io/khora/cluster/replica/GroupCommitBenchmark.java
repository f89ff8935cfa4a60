package io.khora.cluster.replica;

import io.khora.Lease;
import io.khora.WriteMode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import static io.khora.cluster.replica.ReplicatedPartitionBenchmark.KEYS;
import static io.khora.cluster.replica.ReplicatedPartitionBenchmark.TRADE;

/**
 * Not a test: synchronous writers against one replicated partition (3 replicas and the writers in
 * this JVM, loopback, 100-byte values), 1 to 64 threads, to see what group commit does. Run with
 * {@code mvn -pl khora-cluster test -Dtest=GroupCommitBenchmark -Dkhora.bench=true}; add
 * {@code -Dkhora.bench.fsync=true} for fsync on.
 */
@EnabledIfSystemProperty(named = "khora.bench", matches = "true")
class GroupCommitBenchmark {

    @Test
    void measure() throws Exception {
        boolean fsync = Boolean.getBoolean("khora.bench.fsync");
        PartitionOptions options = PartitionOptions.DEFAULTS.withBatching(Integer.getInteger("khora.bench.batch", 512), 1 << 20,
                Integer.getInteger("khora.bench.inflight", PartitionOptions.DEFAULTS.maxBatchesInFlight()));
        System.out.println("group commit: " + options);
        try (TestGroup g = TestGroup.start("gc-bench-" + fsync, List.of("A", "B", "C"),
                b -> b.fsync(fsync).snapshotThresholdBytes(8L << 20).operationTimeout(Duration.ofSeconds(10))
                        .resendInterval(Duration.ofMillis(500)).failureDetection(Duration.ofSeconds(6), Duration.ofSeconds(1))
                        .sweepInterval(Duration.ofMillis(100)), options)) {
            ReplicatedPartition leader = g.awaitLeader(Duration.ofSeconds(10));
            Object[][] values = new Object[KEYS][];
            Random rnd = new Random(42);
            for (int i = 0; i < KEYS; i++) {
                byte[] payload = new byte[100];
                rnd.nextBytes(payload);
                values[i] = TRADE.codec().toValues(new io.khora.cluster.fixtures.Trade("k" + i, "S" + (i % 10), i, payload, 0));
            }
            String label = fsync ? "fsync on " : "fsync off";
            ReplicatedPartitionBenchmark.sync(leader, values, 2_000, null); // warm-up
            ReplicatedPartitionBenchmark.threads(leader, values, 8, 500, label + " warm-up");
            int total = fsync ? 10_000 : 60_000;
            for (int round = 0; round < 2; round++) {
                ReplicatedPartitionBenchmark.sync(leader, values, fsync ? 3_000 : 10_000, label);
                for (int threads : new int[] {8, 16, 32, 64}) {
                    ReplicatedPartitionBenchmark.threads(leader, values, threads, total / threads, label);
                }
                ReplicatedPartitionBenchmark.pipelined(leader, values, 256, total * 2, label);
            }
            // the warm-up leaves nothing outstanding; a write now is still applied straight away
            leader.write(TRADE, values[0].clone(), Lease.FOREVER, WriteMode.UPDATE_OR_WRITE).get();
            g.awaitConverged(Duration.ofSeconds(30));
            long[] stats = leader.proposer().batchStats();
            System.out.printf("batches: %d entries held %d commands%n", stats[0], stats[1]);
        }
    }
}
