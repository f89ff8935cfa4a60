package io.khora;

import io.khora.fixtures.Account;
import io.khora.fixtures.Job;
import io.khora.fixtures.JobResult;
import io.khora.fixtures.Trade;
import io.khora.testing.EventRecorder;
import io.khora.testing.Locks;
import io.khora.testing.ManualScheduler;
import io.khora.testing.ManualTicker;
import io.khora.testing.Waiters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Transactions in an embedded space: visibility (READ_COMMITTED, own writes, exclusive reads),
 * locking and conflicts (waits, lock wait, deadlock), waiting reads and takes, rollback, timeout,
 * atomic commit over partitions, and the transaction-scoped view's operations.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TransactionTest {
    private Space space;

    @BeforeEach
    void start() {
        space = Spaces.embedded("tx").partitions(4).lockWait(Duration.ofSeconds(5)).start();
    }

    @AfterEach
    void stop() {
        space.close();
    }

    private static Query<Account> account(String id) {
        return Query.of(Account.class, "id = ?", id);
    }

    // ---------------------------------------------------------------- visibility

    @Test
    void othersSeeNothingUntilCommitAndTheTransactionSeesItsOwnWrites() {
        space.write(new Account("a", 100, 0));
        try (Transaction tx = space.beginTransaction()) {
            Space ts = tx.space();
            ts.write(new Account("b", 5, 0));
            ts.write(new Account("a", 90, 0));
            ts.change(account("a"), ChangeSet.create().increment("balance", -10L));

            assertThat(ts.readById(Account.class, "b").balance()).isEqualTo(5);
            assertThat(ts.readById(Account.class, "a").balance()).isEqualTo(80);
            assertThat(ts.readMultiple(Query.all(Account.class))).extracting(Account::id).containsExactlyInAnyOrder("a", "b");
            assertThat(ts.count(Query.of(Account.class, "balance < 100"))).isEqualTo(2);

            assertThat(space.readById(Account.class, "b")).as("no dirty read by id").isNull();
            assertThat(space.readById(Account.class, "a").balance()).as("the committed state").isEqualTo(100);
            assertThat(space.readMultiple(Query.all(Account.class))).extracting(Account::balance).containsExactly(100L);
            assertThat(space.count(Query.of(Account.class, "balance < 100"))).isZero();
            try (Transaction other = space.beginTransaction()) {
                assertThat(other.space().readById(Account.class, "b")).as("nor by another transaction").isNull();
                assertThat(other.space().readById(Account.class, "a").balance()).isEqualTo(100);
            }
            tx.commit();
        }
        assertThat(space.readById(Account.class, "a").balance()).isEqualTo(80);
        assertThat(space.readById(Account.class, "a").version()).as("one version per change inside").isEqualTo(3);
        assertThat(space.readById(Account.class, "b").balance()).isEqualTo(5);
        assertThat(Locks.locked(space)).isZero();
        assertThat(Locks.openParts(space)).isZero();
    }

    @Test
    void rollbackDiscardsWritesAndTakenEntriesComeBack() {
        space.write(new Account("a", 100, 0));
        Transaction tx = space.beginTransaction();
        tx.space().write(new Account("new", 1, 0));
        assertThat(tx.space().take(account("a"))).isNotNull();
        assertThat(tx.space().readById(Account.class, "a")).as("taken, for the transaction").isNull();
        assertThat(space.readById(Account.class, "a")).as("still committed for everyone else").isNotNull();
        tx.rollback();
        assertThat(tx.status()).isEqualTo(Transaction.Status.ROLLED_BACK);
        assertThat(space.readById(Account.class, "a").balance()).isEqualTo(100);
        assertThat(space.readById(Account.class, "new")).isNull();
        assertThat(space.take(account("a"))).as("takeable again").isNotNull();
        assertThat(Locks.locked(space)).isZero();
        tx.rollback(); // idempotent
        assertThatThrownBy(() -> tx.space().write(new Account("x", 1, 0))).isInstanceOf(TransactionException.class)
                .hasMessageContaining("rolled back");
        assertThatThrownBy(tx::commit).isInstanceOf(TransactionException.class);
    }

    @Test
    void closingAnUncommittedTransactionRollsItBack() {
        space.write(new Account("a", 100, 0));
        assertThatThrownBy(() -> {
            try (Transaction tx = space.beginTransaction()) {
                tx.space().take(account("a"));
                tx.space().write(new Account("b", 100, 0));
                throw new IllegalStateException("boom before commit");
            }
        }).hasMessage("boom before commit");
        assertThat(space.readById(Account.class, "a")).isNotNull();
        assertThat(space.readById(Account.class, "b")).isNull();
        Transaction done = space.beginTransaction();
        done.commit();
        done.close(); // no-op after commit
        assertThat(done.status()).isEqualTo(Transaction.Status.COMMITTED);
        assertThatThrownBy(done::rollback).isInstanceOf(TransactionException.class).hasMessageContaining("committed");
    }

    @Test
    void withReturnsTheTransactionsViewAndRefusesForeignTransactions() {
        try (Transaction tx = space.beginTransaction(); Space other = Spaces.embedded("tx-other").start()) {
            space.with(tx).write(new Account("w", 1, 0));
            assertThat(tx.space().readById(Account.class, "w")).isNotNull();
            assertThatThrownBy(() -> other.with(tx)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tx-other");
            assertThatThrownBy(() -> tx.space().beginTransaction()).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    // ---------------------------------------------------------------- locks and conflicts

    @Test
    void aNonTransactionalUpdateOfALockedEntryWaitsForTheCommitSoNoUpdateIsLost() throws Exception {
        space.write(new Account("a", 100, 0));
        Transaction tx = space.beginTransaction();
        tx.space().change(account("a"), ChangeSet.create().increment("balance", 50L));
        CompletableFuture<Integer> outside = CompletableFuture.supplyAsync(
                () -> space.change(account("a"), ChangeSet.create().increment("balance", 1L)));
        Thread.sleep(50);
        assertThat(outside).as("waits for the lock").isNotDone();
        tx.commit();
        assertThat(outside.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(space.readById(Account.class, "a").balance()).as("both increments").isEqualTo(151);
    }

    @Test
    void aConflictingUpdateFailsClearlyWhenTheLockWaitElapses() {
        try (Space s = Spaces.embedded("tx-lockwait").lockWait(Duration.ofMillis(50)).start()) {
            s.write(new Account("a", 100, 0));
            try (Transaction tx = s.beginTransaction()) {
                tx.space().write(new Account("a", 1, 0));
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> s.write(new Account("a", 2, 0))).isInstanceOf(TransactionConflictException.class)
                        .hasMessageContaining("locked by transaction " + tx.id()).hasMessageContaining("lock wait")
                        .satisfies(e -> assertThat(((TransactionConflictException) e).holderId()).isEqualTo(tx.id()));
                assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
                assertThatThrownBy(() -> s.invoke(Account.class, "a", e -> null)).isInstanceOf(TransactionConflictException.class);
                assertThatThrownBy(() -> s.clear(Query.all(Account.class))).isInstanceOf(TransactionConflictException.class);
                try (Transaction other = s.beginTransaction(TransactionOptions.defaults().withLockWait(Duration.ZERO))) {
                    assertThatThrownBy(() -> other.space().change(account("a"), ChangeSet.create().set("balance", 5L)))
                            .isInstanceOf(TransactionConflictException.class);
                    assertThat(other.status()).as("a conflict leaves the transaction active").isEqualTo(Transaction.Status.ACTIVE);
                }
            }
            assertThat(s.readById(Account.class, "a").balance()).as("the failed operations changed nothing").isEqualTo(100);
        }
    }

    @Test
    void aDeadlockIsRefusedAtOnceToTheTransactionThatWouldCloseIt() throws Exception {
        space.write(new Account("a", 1, 0));
        space.write(new Account("b", 1, 0));
        Transaction t1 = space.beginTransaction();
        Transaction t2 = space.beginTransaction();
        t1.space().change(account("a"), ChangeSet.create().increment("balance", 1L));
        t2.space().change(account("b"), ChangeSet.create().increment("balance", 1L));
        CompletableFuture<Integer> t1WantsB = CompletableFuture.supplyAsync(
                () -> t1.space().change(account("b"), ChangeSet.create().increment("balance", 1L)));
        Waiters.awaitCondition(() -> isWaiting(t1), Duration.ofSeconds(5), () -> "t1 should wait for b");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> t2.space().change(account("a"), ChangeSet.create().increment("balance", 1L)))
                .isInstanceOf(TransactionConflictException.class).hasMessageContaining("deadlock");
        assertThat(System.nanoTime() - t0).as("at once, not after the lock wait").isLessThan(TimeUnit.SECONDS.toNanos(2));
        t2.rollback();
        assertThat(t1WantsB.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        t1.commit();
        assertThat(space.readById(Account.class, "a").balance()).isEqualTo(2);
        assertThat(space.readById(Account.class, "b").balance()).isEqualTo(2);
    }

    private static boolean isWaiting(Transaction tx) {
        try {
            java.lang.reflect.Field f = tx.getClass().getDeclaredField("waitingFor");
            f.setAccessible(true);
            return f.get(tx) != null;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void takesSkipLockedEntriesAndTakeIfExistsWaitsForTheirHolder() throws Exception {
        space.write(new Account("a", 1, 0));
        Transaction tx = space.beginTransaction();
        assertThat(tx.space().take(account("a"))).isNotNull();
        assertThat(space.take(account("a"))).as("locked: not available to another taker").isNull();
        assertThat(space.takeById(Account.class, "a")).isNull();
        assertThat(space.takeMultiple(Query.all(Account.class), 10)).isEmpty();
        assertThat(space.read(account("a"))).as("a READ_COMMITTED read sees the committed entry").isNotNull();
        assertThat(space.readIfExists(account("a"))).isNotNull();
        assertThat(space.takeIfExists(account("a"), Period.NONE)).isNull();
        CompletableFuture<Account> ifExists = CompletableFuture.supplyAsync(() -> space.takeIfExists(account("a"), Period.ofMillis(5_000)));
        Thread.sleep(50);
        assertThat(ifExists).isNotDone();
        tx.rollback();
        assertThat(ifExists.get(5, TimeUnit.SECONDS)).as("the rollback freed it").isNotNull();
        assertThat(space.takeIfExists(account("zzz"), Period.ofMillis(5_000))).as("no match at all: null at once").isNull();
    }

    @Test
    void exclusiveReadsLockWhatTheyRead() throws Exception {
        space.write(new Account("a", 100, 0));
        TransactionOptions exclusive = TransactionOptions.defaults().withIsolation(TransactionOptions.Isolation.EXCLUSIVE_READ);
        Transaction t1 = space.beginTransaction(exclusive);
        assertThat(t1.space().readById(Account.class, "a").balance()).isEqualTo(100);
        try (Transaction t2 = space.beginTransaction(exclusive.withLockWait(Duration.ofMillis(20)))) {
            assertThatThrownBy(() -> t2.space().readById(Account.class, "a")).isInstanceOf(TransactionConflictException.class);
            assertThat(t2.space().read(Query.all(Account.class))).as("a query's exclusive read skips held entries").isNull();
        }
        try (Transaction t3 = space.beginTransaction()) {
            assertThat(t3.space().readById(Account.class, "a")).as("READ_COMMITTED readers are not blocked").isNotNull();
        }
        assertThat(space.readById(Account.class, "a")).isNotNull();
        CompletableFuture<LeaseHandle<Account>> writer = CompletableFuture.supplyAsync(() -> space.write(new Account("a", 7, 0)));
        Thread.sleep(50);
        assertThat(writer).as("an update waits for the read lock").isNotDone();
        t1.space().write(new Account("a", 101, 0));
        t1.commit();
        writer.get(5, TimeUnit.SECONDS);
        assertThat(space.readById(Account.class, "a").balance()).isEqualTo(7);
    }

    @Test
    void readCommittedReadsTakeNoLock() {
        space.write(new Account("a", 100, 0));
        try (Transaction t1 = space.beginTransaction()) {
            assertThat(t1.space().readById(Account.class, "a")).isNotNull();
            assertThat(t1.space().readMultiple(Query.all(Account.class))).hasSize(1);
            assertThat(Locks.locked(space)).isZero();
            space.write(new Account("a", 1, 0)); // no wait
            assertThat(t1.space().readById(Account.class, "a").balance()).as("sees the new committed state").isEqualTo(1);
        }
    }

    @Test
    void aVersionConflictInsideATransactionIsDetectedAgainstItsOwnView() {
        space.write(new Account("a", 100, 0));
        try (Transaction tx = space.beginTransaction()) {
            Account a = tx.space().readById(Account.class, "a");
            tx.space().write(new Account("a", 90, a.version()));
            assertThatThrownBy(() -> tx.space().write(new Account("a", 80, a.version())))
                    .isInstanceOf(EntryVersionConflictException.class);
            tx.space().write(new Account("a", 80, a.version() + 1));
            assertThatThrownBy(() -> tx.space().write(new Account("a", 0, 0), Lease.FOREVER, WriteMode.WRITE_ONLY))
                    .isInstanceOf(EntryAlreadyExistsException.class);
            assertThatThrownBy(() -> tx.space().write(new Account("zz", 0, 0), Lease.FOREVER, WriteMode.UPDATE_ONLY))
                    .isInstanceOf(EntryNotFoundException.class);
            tx.commit();
        }
        assertThat(space.readById(Account.class, "a")).isEqualTo(new Account("a", 80, 3));
    }

    // ---------------------------------------------------------------- waiting reads and takes

    @Test
    void aWaitingTakeIsNotWokenByAnUncommittedWriteButAtTheCommit() throws Exception {
        CompletableFuture<Job> waiting = space.async().take(Query.of(Job.class, "queue = 'q'"), Period.FOREVER);
        CompletableFuture<Job> reading = space.async().read(Query.of(Job.class, "queue = 'q'"), Period.FOREVER);
        Waiters.awaitTotal(space, 8, Duration.ofSeconds(5));
        Transaction tx = space.beginTransaction();
        tx.space().write(new Job("j1", "q", 1));
        Thread.sleep(30);
        assertThat(waiting).as("not woken by an uncommitted write").isNotDone();
        assertThat(reading).isNotDone();
        tx.commit();
        assertThat(waiting.get(5, TimeUnit.SECONDS).id()).isEqualTo("j1");
        assertThat(reading.get(5, TimeUnit.SECONDS).id()).isEqualTo("j1");
        assertThat(space.readById(Job.class, "j1")).as("the waiting take got it").isNull();
    }

    @Test
    void aWaitingTakeOfAnotherPartyGetsATakenEntryBackWhenItsTransactionRollsBack() throws Exception {
        space.write(new Job("j1", "q", 1));
        Transaction tx = space.beginTransaction();
        assertThat(tx.space().take(Query.of(Job.class, "queue = 'q'"))).isNotNull();
        CompletableFuture<Job> waiting = space.async().take(Query.of(Job.class, "queue = 'q'"), Period.FOREVER);
        Waiters.awaitTotal(space, 4, Duration.ofSeconds(5));
        tx.rollback();
        assertThat(waiting.get(5, TimeUnit.SECONDS).id()).isEqualTo("j1");
    }

    @Test
    void aTakeWaitingInsideATransactionLocksWhatItGetsAndARollbackReturnsIt() throws Exception {
        Transaction tx = space.beginTransaction();
        CompletableFuture<Job> inside = CompletableFuture.supplyAsync(() -> tx.space().take(Query.of(Job.class, "queue = 'q'"),
                Period.ofMillis(10_000)));
        Waiters.awaitTotal(space, 4, Duration.ofSeconds(5));
        space.write(new Job("j1", "q", 1));
        assertThat(inside.get(5, TimeUnit.SECONDS).id()).isEqualTo("j1");
        assertThat(space.readById(Job.class, "j1")).as("taken inside, committed outside").isNotNull();
        assertThat(space.take(Query.of(Job.class, "queue = 'q'"))).as("locked by the transaction").isNull();
        tx.rollback();
        assertThat(space.take(Query.of(Job.class, "queue = 'q'"))).isNotNull();
    }

    @Test
    void aRollbackFailsTheTransactionsWaitingOperations() throws Exception {
        Transaction tx = space.beginTransaction();
        CompletableFuture<Job> inside = tx.space().async().take(Query.of(Job.class, "queue = 'q'"), Period.FOREVER);
        Waiters.awaitTotal(space, 4, Duration.ofSeconds(5));
        tx.rollback();
        assertThatThrownBy(() -> inside.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TransactionException.class);
        Waiters.awaitTotal(space, 0, Duration.ofSeconds(5));
        space.write(new Job("j1", "q", 1));
        assertThat(space.readById(Job.class, "j1")).isNotNull();
    }

    // ---------------------------------------------------------------- timeout

    @Test
    void anAbandonedTransactionIsRolledBackWhenItsTimeoutElapses() {
        ManualTicker ticker = new ManualTicker(1_000);
        ManualScheduler scheduler = new ManualScheduler(ticker);
        try (Space s = Spaces.embedded("tx-timeout").partitions(2).ticker(ticker).scheduler(scheduler).start()) {
            s.write(new Account("a", 100, 0));
            Transaction tx = s.beginTransaction(TransactionOptions.defaults().withTimeout(Duration.ofSeconds(2)));
            tx.space().take(account("a"));
            tx.space().write(new Account("b", 100, 0));
            ticker.advance(1_999);
            scheduler.runDue();
            assertThat(tx.status()).isEqualTo(Transaction.Status.ACTIVE);
            assertThat(s.take(account("a"))).as("still locked").isNull();
            ticker.advance(1);
            scheduler.runDue();
            assertThat(tx.status()).isEqualTo(Transaction.Status.ROLLED_BACK);
            assertThat(tx.isTimedOut()).isTrue();
            assertThat(Locks.locked(s)).isZero();
            assertThat(s.readById(Account.class, "b")).isNull();
            assertThatThrownBy(() -> tx.space().readById(Account.class, "a")).isInstanceOf(TransactionTimedOutException.class);
            assertThatThrownBy(tx::commit).isInstanceOf(TransactionTimedOutException.class).hasMessageContaining(tx.id());
            tx.rollback(); // a no-op after a timeout
            tx.close();
            assertThat(s.take(account("a"))).as("the taken entry is back").isNotNull();
        }
    }

    @Test
    void aTimeoutIsNoticedByTheNextOperationEvenBeforeTheSchedulerRuns() {
        ManualTicker ticker = new ManualTicker(0);
        ManualScheduler scheduler = new ManualScheduler(ticker);
        try (Space s = Spaces.embedded("tx-timeout2").ticker(ticker).scheduler(scheduler).transactionTimeout(Duration.ofMillis(500)).start()) {
            s.write(new Account("a", 100, 0));
            Transaction tx = s.beginTransaction();
            tx.space().change(account("a"), ChangeSet.create().increment("balance", 1L));
            ticker.advance(500);
            assertThatThrownBy(tx::commit).isInstanceOf(TransactionTimedOutException.class);
            assertThat(s.readById(Account.class, "a").balance()).isEqualTo(100);
            assertThat(Locks.locked(s)).isZero();
        }
    }

    // ---------------------------------------------------------------- several partitions

    @Test
    void aCommitOverSeveralPartitionsAppliesEverythingAtOnceAndPublishesAtTheCommit() {
        EventRecorder<Trade> events = new EventRecorder<>();
        space.subscribe(Query.all(Trade.class), Set.of(SpaceEventType.WRITE, SpaceEventType.UPDATE, SpaceEventType.TAKE), events);
        List<String> symbols = List.of("A", "B", "C", "D", "E", "F", "G", "H");
        Set<Integer> partitions = new java.util.HashSet<>();
        symbols.forEach(sym -> partitions.add(Locks.partitionOf(space, sym)));
        assertThat(partitions).as("the symbols span every partition").hasSize(4);
        space.write(new Trade(100, "A", 1.0, 1));
        events.awaitCount(1, Duration.ofSeconds(5));
        try (Transaction tx = space.beginTransaction()) {
            for (int i = 0; i < symbols.size(); i++) {
                tx.space().write(new Trade(i, symbols.get(i), 1.0, i));
            }
            tx.space().takeById(Trade.class, 100L, "A");
            assertThat(space.count(Query.all(Trade.class))).isEqualTo(1);
            try {
                Thread.sleep(30); // events are asynchronous: give a wrongly published one a chance to show
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertThat(events.events()).as("nothing is published before the commit").hasSize(1);
            tx.commit();
        }
        assertThat(space.count(Query.all(Trade.class))).isEqualTo(8);
        assertThat(space.readById(Trade.class, 100L, "A")).isNull();
        events.awaitCount(1 + 9, Duration.ofSeconds(5));
        assertThat(events.events().stream().filter(e -> e.type() == SpaceEventType.WRITE).count()).isEqualTo(1 + 8);
        assertThat(events.events().stream().filter(e -> e.type() == SpaceEventType.TAKE).count()).isEqualTo(1);
    }

    @Test
    void orderedTakesAndReadsOverPartitionsSeeTheTransactionsOwnChanges() {
        for (int i = 0; i < 12; i++) {
            space.write(new Trade(i, "S" + i, (double) i, i));
        }
        try (Transaction tx = space.beginTransaction()) {
            Space ts = tx.space();
            ts.write(new Trade(100, "X", -1.0, 0));
            ts.takeById(Trade.class, 0L, "S0");
            List<Trade> lowest = ts.takeMultiple(Query.of(Trade.class, "price < 100 ORDER BY price"), 3);
            assertThat(lowest).extracting(Trade::getId).containsExactly(100L, 1L, 2L);
            assertThat(ts.readMultiple(Query.of(Trade.class, "price < 100 ORDER BY price"), 2)).extracting(Trade::getId)
                    .containsExactly(3L, 4L);
            assertThat(space.readMultiple(Query.of(Trade.class, "price < 100 ORDER BY price"), 2)).extracting(Trade::getId)
                    .containsExactly(0L, 1L);
            assertThat(ts.count(Query.all(Trade.class))).isEqualTo(9);
            assertThat(ts.clear(Query.of(Trade.class, "price > 9"))).isEqualTo(2);
            tx.commit();
        }
        assertThat(space.readMultiple(Query.all(Trade.class))).extracting(Trade::getId).containsExactlyInAnyOrder(3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void entryProcessorsAndWriteMultipleRunUnderTheTransaction() {
        try (Transaction tx = space.beginTransaction()) {
            tx.space().writeMultiple(List.of(new Account("a", 1, 0), new Account("b", 2, 0)));
            Long before = tx.space().invoke(Account.class, "a", e -> {
                Account a = e.get();
                e.set(new Account("a", a.balance() + 10, a.version()));
                return a.balance();
            });
            assertThat(before).isEqualTo(1);
            tx.space().invoke(Account.class, "b", e -> {
                e.remove();
                return null;
            });
            assertThat(space.readById(Account.class, "a")).isNull();
            tx.commit();
        }
        assertThat(space.readById(Account.class, "a").balance()).isEqualTo(11);
        assertThat(space.readById(Account.class, "b")).isNull();
    }

    @Test
    void theLeaseOfAnEntryWrittenInATransactionIsUsableAfterTheCommit() {
        LeaseHandle<Account> h;
        try (Transaction tx = space.beginTransaction()) {
            h = tx.space().write(new Account("a", 1, 0), Lease.of(Duration.ofMinutes(1)));
            assertThat(h.created()).isTrue();
            LeaseHandle<Account> inside = h;
            assertThatThrownBy(() -> inside.renew(Lease.FOREVER)).isInstanceOf(TransactionException.class)
                    .hasMessageContaining("once it has committed");
            tx.commit();
        }
        h.renew(Lease.FOREVER);
        assertThat(h.expiresAt()).isEqualTo(Long.MAX_VALUE);
        h.cancel();
        assertThat(space.readById(Account.class, "a")).isNull();
    }

    @Test
    void aLockedEntryDoesNotExpireUnderItsTransaction() {
        ManualTicker ticker = new ManualTicker(0);
        ManualScheduler scheduler = new ManualScheduler(ticker);
        try (Space s = Spaces.embedded("tx-lease").ticker(ticker).scheduler(scheduler).start()) {
            s.write(new JobResult(1, "w"), Lease.of(Duration.ofMillis(100)));
            Transaction tx = s.beginTransaction(TransactionOptions.defaults().withTimeout(Duration.ofHours(1)));
            assertThat(tx.space().take(Query.all(JobResult.class))).isNotNull();
            ticker.advance(200);
            scheduler.runDue();
            assertThat(s.readById(JobResult.class, 1L)).as("expired for readers").isNull();
            tx.commit();
            assertThat(s.count(Query.all(JobResult.class))).isZero();
            s.write(new JobResult(2, "w"), Lease.of(Duration.ofMillis(100)));
            Transaction tx2 = s.beginTransaction(TransactionOptions.defaults().withTimeout(Duration.ofHours(1)));
            tx2.space().take(Query.all(JobResult.class));
            ticker.advance(200);
            scheduler.runDue();
            tx2.rollback();
            assertThat(s.readById(JobResult.class, 2L)).as("expired when released").isNull();
        }
    }

    @Test
    void aTransactionMayBeUsedFromAnotherThread() throws Exception {
        space.write(new Account("a", 1, 0));
        Transaction tx = space.beginTransaction();
        AtomicReference<Account> got = new AtomicReference<>();
        Thread t = new Thread(() -> got.set(tx.space().take(account("a"))));
        t.start();
        t.join();
        assertThat(got.get()).isNotNull();
        tx.commit();
        assertThat(space.readById(Account.class, "a")).isNull();
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> TransactionOptions.defaults().withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransactionOptions.defaults().withLockWait(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Spaces.embedded("x").transactionTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> space.beginTransaction(null)).isInstanceOf(NullPointerException.class);
        assertThat(TransactionOptions.defaults().isolation()).isEqualTo(TransactionOptions.Isolation.READ_COMMITTED);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (Transaction tx = space.beginTransaction()) {
                ids.add(tx.id());
            }
        }
        assertThat(ids).doesNotHaveDuplicates();
    }
}
