package io.khora.cluster.client;

import io.khora.Space;
import io.khora.Spaces;
import io.khora.Transaction;
import io.khora.TransactionConflictException;
import io.khora.TransactionOptions;
import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;
import io.khora.cluster.replica.ReplicatedPartition;
import io.khora.cluster.server.ClusterSpec;
import io.khora.cluster.server.LocalCluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Transactions over a cluster space: atomic in one partition (one log entry), two-phase over
 * several, with the decision in the home partition's log, so a coordinator that dies after the
 * prepare leaves no lock beyond the transaction's timeout and an all-or-nothing outcome.
 */
class ClusterTransactionTest {
    /** An account, routed by its id. */
    public record Account(@SpaceId @SpaceRouting int id, long balance) {
    }

    /** A job in a queue. */
    public record Job(@SpaceId @SpaceRouting int id, String queue) {
    }

    /** A job's result (routed elsewhere than its job). */
    public record Result(@SpaceId @SpaceRouting int id, String value) {
    }

    static LocalCluster cluster;
    static final int PARTITIONS = 4;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.configure("cluster-tx", 3, List.of(new ClusterSpec.SpaceSpec("bank", PARTITIONS, 3, 2)))
                .startAll(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int lockedEntries() {
        int n = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            ReplicatedPartition r = cluster.leaderReplica("bank", p);
            n += r == null ? 0 : r.stateMachine().lockedEntries() + r.stateMachine().preparedTransactions();
        }
        return n;
    }

    @Test
    void concurrentTransfersBetweenPartitionsNeverChangeTheTotal() throws Exception {
        int accounts = 12;
        try (Space space = Spaces.connect(cluster.uri("bank"))) {
            for (int i = 0; i < accounts; i++) {
                space.write(new Account(1000 + i, 1_000));
            }
            ExecutorService pool = Executors.newFixedThreadPool(6);
            AtomicInteger committed = new AtomicInteger();
            AtomicInteger conflicts = new AtomicInteger();
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                Random random = new Random(7 * w + 1);
                fs.add(pool.submit(() -> {
                    for (int k = 0; k < 40; k++) {
                        int from = 1000 + random.nextInt(accounts);
                        int to = 1000 + (from - 1000 + 1 + random.nextInt(accounts - 1)) % accounts;
                        long amount = 1 + random.nextInt(50);
                        for (int attempt = 0; ; attempt++) {
                            try (Transaction tx = space.beginTransaction(TransactionOptions.defaults().withTimeout(Duration.ofSeconds(10)))) {
                                Space s = tx.space();
                                Account a = s.readById(Account.class, from, from);
                                Account b = s.readById(Account.class, to, to);
                                s.write(new Account(from, a.balance() - amount));
                                s.write(new Account(to, b.balance() + amount));
                                tx.commit();
                                committed.incrementAndGet();
                                break;
                            } catch (TransactionConflictException e) {
                                conflicts.incrementAndGet();
                                assertThat(attempt).as("a transfer gets through within 200 attempts").isLessThan(200);
                            }
                        }
                    }
                    return null;
                }));
            }
            long total;
            do {
                total = 0;
                for (int i = 0; i < accounts; i++) {
                    total += space.readById(Account.class, 1000 + i, 1000 + i).balance();
                }
            } while (fs.stream().anyMatch(f -> !f.isDone()));
            for (Future<?> f : fs) {
                f.get();
            }
            pool.shutdown();
            total = 0;
            for (int i = 0; i < accounts; i++) {
                total += space.readById(Account.class, 1000 + i, 1000 + i).balance();
            }
            assertThat(total).as("the total after %d transfers (%d conflicts retried)", committed.get(), conflicts.get())
                    .isEqualTo(1_000L * accounts);
            assertThat(committed.get()).isEqualTo(6 * 40);
            assertThat(lockedEntries()).as("no part prepared or lock held once every transaction ended").isZero();
        }
    }

    @Test
    void aJobIsTakenAndItsResultWrittenAsOneUnitOrNotAtAll() {
        try (Space space = Spaces.connect(cluster.uri("bank"))) {
            space.write(new Job(1, "in"));
            space.write(new Job(2, "in"));
            try (Transaction tx = space.beginTransaction()) {
                Job job = tx.space().takeById(Job.class, 1, 1);
                tx.space().write(new Result(2_001, "done " + job.id()));
                assertThat(space.readById(Job.class, 1, 1)).as("others still see the job until commit").isNotNull();
                assertThat(space.readById(Result.class, 2_001, 2_001)).as("nor the result").isNull();
                tx.commit();
            }
            assertThat(space.readById(Job.class, 1, 1)).isNull();
            assertThat(space.readById(Result.class, 2_001, 2_001).value()).isEqualTo("done 1");
            try (Transaction tx = space.beginTransaction()) {
                tx.space().takeById(Job.class, 2, 2);
                tx.space().write(new Result(2_002, "never"));
                // a failure before commit: closing without commit rolls back
            }
            assertThat(space.readById(Job.class, 2, 2)).as("the job is back").isNotNull();
            assertThat(space.readById(Result.class, 2_002, 2_002)).isNull();
        }
    }

    @Test
    void aConcurrentChangeOfAnEntryTheTransactionReadFailsItsCommit() {
        try (Space space = Spaces.connect(cluster.uri("bank"))) {
            space.write(new Account(50, 100));
            space.write(new Account(51, 100));
            Transaction tx = space.beginTransaction();
            Account a = tx.space().readById(Account.class, 50, 50);
            tx.space().write(new Account(50, a.balance() - 10));
            tx.space().write(new Account(51, 110));
            space.write(new Account(50, 500)); // someone else changes it meanwhile
            assertThatThrownBy(tx::commit).isInstanceOf(TransactionConflictException.class).hasMessageContaining("id=50");
            assertThat(tx.status()).isEqualTo(Transaction.Status.ROLLED_BACK);
            assertThat(space.readById(Account.class, 50, 50).balance()).isEqualTo(500);
            assertThat(space.readById(Account.class, 51, 51).balance()).as("all or nothing").isEqualTo(100);
        }
    }

    @Test
    void aCoordinatorThatDiesAfterPrepareLeavesNoLockAndNothingApplied() throws Exception {
        try (Space space = Spaces.connect(cluster.uri("bank")); Space other = Spaces.connect(cluster.uri("bank"))) {
            space.write(new Account(60, 100));
            space.write(new Account(61, 100));
            RemoteTransaction tx = (RemoteTransaction) space.beginTransaction(TransactionOptions.defaults()
                    .withTimeout(Duration.ofSeconds(2)));
            tx.space().write(new Account(60, 0));
            tx.space().write(new Account(61, 200));
            tx.prepareOnlyAndVanish();
            assertThat(lockedEntries()).as("both parts prepared and locked").isGreaterThan(0);
            // a plain write waits for the lock, which recovery releases once the timeout passed: the home never decided, so abort
            other.write(new Account(60, 100));
            awaitNoLocks();
            assertThat(other.readById(Account.class, 61, 61).balance()).as("nothing of the transaction applied").isEqualTo(100);
            assertThat(other.readById(Account.class, 60, 60).balance()).isEqualTo(100);
        }
    }

    @Test
    void aCoordinatorThatDiesAfterTheHomeCommittedHasEveryPartCommittedByRecovery() throws Exception {
        try (Space space = Spaces.connect(cluster.uri("bank"))) {
            space.write(new Account(70, 100));
            space.write(new Account(71, 100));
            RemoteTransaction tx = (RemoteTransaction) space.beginTransaction(TransactionOptions.defaults()
                    .withTimeout(Duration.ofSeconds(2)));
            tx.space().write(new Account(70, 50));
            tx.space().write(new Account(71, 150));
            tx.commitHomeOnlyAndVanish();
            awaitNoLocks();
            assertThat(space.readById(Account.class, 70, 70).balance() + space.readById(Account.class, 71, 71).balance()).isEqualTo(200);
            assertThat(space.readById(Account.class, 70, 70).balance()).as("every part committed").isEqualTo(50);
            assertThat(space.readById(Account.class, 71, 71).balance()).isEqualTo(150);
        }
    }

    private static void awaitNoLocks() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (lockedEntries() > 0) {
            assertThat(System.nanoTime() < deadline).as("locks released by recovery within 30 s").isTrue();
            Thread.sleep(50);
        }
    }
}
