package io.khora;

import io.khora.fixtures.Job;
import io.khora.fixtures.JobResult;
import io.khora.testing.Locks;
import io.khora.testing.Waiters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The take-a-job-and-write-its-result pattern under failures. A producer writes jobs ten at a time in
 * transactions (some rolled back: those jobs must never be seen), while six workers, each in a
 * transaction, take a job with a waiting take (woken by the producer's commits), write its result
 * (in another partition, usually) and commit — or fail in between: an exception before the result
 * is written, one after it, an explicit rollback, or a transaction simply abandoned, which the space
 * rolls back when its timeout elapses. No job may be lost and none done twice: at the end every job
 * the producer committed has exactly one result, no job is left, and no lock either.
 *
 * <p>An abandoning worker's transaction has a short timeout (1 s) that runs from
 * {@code beginTransaction}, so on a busy machine it can elapse before the worker's take: the take then
 * fails with {@link TransactionTimedOutException}, the space has rolled the transaction back, and the
 * job stays for another worker. That is a correct outcome, counted apart (the timeout is not a
 * deadline the test imposes on the machine); the checks at the end hold either way.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransactionJobTest {
    private static final int BATCHES = 300;
    private static final int PER_BATCH = 10;
    private static final int WORKERS = 6;

    private static final class InjectedFailure extends RuntimeException {
        InjectedFailure(String where) {
            super("injected " + where, null, false, false);
        }
    }

    @Test
    void noJobIsLostAndNoneIsDoneTwice() throws Exception {
        try (Space space = Spaces.embedded("jobs").partitions(4).lockWait(Duration.ofSeconds(5)).start()) {
            int maxJobs = BATCHES * PER_BATCH;
            AtomicIntegerArray done = new AtomicIntegerArray(maxJobs);
            Set<Long> produced = ConcurrentHashMap.newKeySet();
            Set<Long> discarded = ConcurrentHashMap.newKeySet();
            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicInteger completed = new AtomicInteger();
            AtomicInteger before = new AtomicInteger();
            AtomicInteger after = new AtomicInteger();
            AtomicInteger rolledBack = new AtomicInteger();
            AtomicInteger abandoned = new AtomicInteger();
            AtomicInteger expiredBeforeTake = new AtomicInteger();
            AtomicInteger duplicates = new AtomicInteger();
            AtomicInteger ghosts = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            TransactionOptions abandon = TransactionOptions.defaults().withTimeout(Duration.ofSeconds(1));

            Thread[] workers = new Thread[WORKERS];
            for (int w = 0; w < WORKERS; w++) {
                String name = "worker-" + w;
                Random rnd = new Random(31L * (w + 1));
                workers[w] = new Thread(() -> {
                    try {
                        while (true) {
                            if (!producing.get() && completed.get() == produced.size()) {
                                return;
                            }
                            int fault = rnd.nextInt(100);
                            boolean leave = fault < 3;
                            Transaction tx = space.beginTransaction(leave ? abandon : TransactionOptions.defaults());
                            try {
                                Job job;
                                try {
                                    job = tx.space().take(Query.of(Job.class, "queue = 'in'"), Period.ofMillis(20));
                                } catch (TransactionTimedOutException e) {
                                    // only an abandoning transaction's short timeout can elapse this early; it is rolled back
                                    if (!leave || !tx.isTimedOut() || tx.status() != Transaction.Status.ROLLED_BACK) {
                                        throw e;
                                    }
                                    expiredBeforeTake.incrementAndGet();
                                    continue;
                                }
                                if (job == null) {
                                    continue;
                                }
                                if (discarded.contains(job.seq())) {
                                    ghosts.incrementAndGet(); // a job of a rolled-back producer transaction
                                }
                                if (leave) {
                                    abandoned.incrementAndGet();
                                    continue; // never committed nor closed: the space rolls it back after 1 s
                                }
                                if (fault < 10) {
                                    before.incrementAndGet();
                                    throw new InjectedFailure("before the result is written");
                                }
                                tx.space().write(new JobResult(job.seq(), name), Lease.FOREVER, WriteMode.WRITE_ONLY);
                                if (fault < 15) {
                                    after.incrementAndGet();
                                    throw new InjectedFailure("after the result is written");
                                }
                                if (fault < 18) {
                                    tx.rollback();
                                    rolledBack.incrementAndGet();
                                    continue;
                                }
                                tx.commit();
                                done.incrementAndGet((int) job.seq());
                                completed.incrementAndGet();
                            } catch (InjectedFailure e) {
                                // rolled back below
                            } catch (EntryAlreadyExistsException e) {
                                duplicates.incrementAndGet();
                            } finally {
                                if (!leave) {
                                    tx.close();
                                }
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }, name);
                workers[w].start();
            }

            Waiters.awaitCondition(() -> Waiters.total(space) > 0, Duration.ofSeconds(5), () -> "workers should wait for jobs");
            Random rnd = new Random(4_242);
            for (int b = 0; b < BATCHES; b++) {
                try (Transaction tx = space.beginTransaction()) {
                    for (int i = 0; i < PER_BATCH; i++) {
                        tx.space().write(new Job(null, "in", (long) b * PER_BATCH + i));
                    }
                    boolean keep = rnd.nextInt(10) != 0;
                    for (int i = 0; i < PER_BATCH; i++) {
                        (keep ? produced : discarded).add((long) b * PER_BATCH + i);
                    }
                    if (keep) {
                        tx.commit();
                    }
                }
                if (b % 50 == 0) {
                    Thread.sleep(5); // let the workers drain now and then: waiting takes get woken by commits
                }
            }
            producing.set(false);
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(100));
                assertThat(w.isAlive()).as(w.getName() + " finished").isFalse();
            }
            assertThat(errors).isEmpty();

            for (long seq : produced) {
                assertThat(done.get((int) seq)).as("job %d committed exactly once", seq).isEqualTo(1);
            }
            for (long seq : discarded) {
                assertThat(done.get((int) seq)).as("job %d was never produced", seq).isZero();
            }
            assertThat(ghosts.get()).as("jobs of rolled-back producer transactions taken").isZero();
            assertThat(duplicates.get()).as("results written twice").isZero();
            List<JobResult> results = space.readMultiple(Query.all(JobResult.class));
            assertThat(results).hasSize(produced.size());
            assertThat(results).extracting(JobResult::seq).doesNotHaveDuplicates().allMatch(produced::contains);
            assertThat(space.count(Query.all(Job.class))).as("jobs left").isZero();
            assertThat(before.get()).isPositive();
            assertThat(after.get()).isPositive();
            assertThat(rolledBack.get()).isPositive();
            assertThat(abandoned.get()).isPositive();
            Waiters.awaitCondition(() -> Locks.openParts(space) == 0, Duration.ofSeconds(5),
                    () -> Locks.openParts(space) + " transaction parts left (abandoned ones should have timed out)");
            assertThat(Locks.locked(space)).isZero();
            System.out.printf("jobs: %d produced (%d rolled back by the producer), %d completed by %d workers; failures injected: %d"
                            + " before the result, %d after it, %d rollbacks, %d abandoned (timed out); %d abandoning transactions"
                            + " timed out before their take%n", produced.size(), discarded.size(), completed.get(), WORKERS, before.get(),
                    after.get(), rolledBack.get(), abandoned.get(), expiredBeforeTake.get());
        }
    }
}
