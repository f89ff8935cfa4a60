package io.khora;

import io.khora.fixtures.Account;
import io.khora.persistence.TransactionData;
import io.khora.persistence.WriteBehindSettings;
import io.khora.testing.Locks;
import io.khora.testing.RecordingStore;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bank-transfer invariant: 8 threads move money between 20 accounts spread over 4 partitions,
 * concurrently, in transactions — half by read-for-update (EXCLUSIVE_READ, the two accounts read in
 * random order, so deadlocks happen and are refused), half by relative changes (READ_COMMITTED) —
 * with failures injected between the debit and the credit, poisoned debits that are rolled back,
 * and business rollbacks. Meanwhile:
 *
 * <ul>
 *   <li>a snapshot reader sums all accounts inside EXCLUSIVE_READ transactions: two-phase locking
 *       makes each snapshot consistent, so every sum must equal the total exactly ("continuously"
 *       means: at every such snapshot);</li>
 *   <li>a READ_COMMITTED reader (outside transactions, and inside READ_COMMITTED ones) must never see
 *       an uncommitted balance (a poisoned debit); its sums may legitimately differ from the total
 *       (read skew: it reads accounts one by one while transfers commit), which is only counted;</li>
 *   <li>with persistence, the store is checked after every unit it applies: each committed transfer
 *       reaches it as one {@code TransactionData} (consolidated when it spans partitions), so the
 *       store's total never changes either.</li>
 * </ul>
 *
 * At the end the total is unchanged and every account holds exactly its initial balance plus the
 * committed transfers (no lost update), no lock is left, and the store equals the space.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransactionBankTransferTest {
    private static final int PARTITIONS = 4;
    private static final int ACCOUNTS = 20;
    private static final int THREADS = 8;
    private static final long INITIAL = 10_000;
    private static final long TOTAL = ACCOUNTS * INITIAL;
    private static final long POISON = 1_000_000_000L;

    enum Persistence { NONE, WRITE_THROUGH, WRITE_BEHIND }

    @TempDir
    Path dir;

    private static String id(int i) {
        return String.format("acc-%02d", i);
    }

    private static final class InjectedFailure extends RuntimeException {
        InjectedFailure() {
            super("injected between debit and credit", null, false, false);
        }
    }

    @ParameterizedTest
    @EnumSource(Persistence.class)
    void theTotalNeverChanges(Persistence persistence) throws Exception {
        int transfersPerThread = 1_500;
        RecordingStore store = new RecordingStore();
        AtomicLong storeViolations = new AtomicLong();
        AtomicLong storeUnits = new AtomicLong();
        EmbeddedSpaceBuilder b = Spaces.embedded("bank-" + persistence).partitions(PARTITIONS).lockWait(Duration.ofSeconds(5));
        if (persistence == Persistence.WRITE_THROUGH) {
            b.synchronizationEndpoint(store);
        } else if (persistence == Persistence.WRITE_BEHIND) {
            b.synchronizationEndpoint(store).writeBehind(WriteBehindSettings.builder(dir).durability(WriteBehindSettings.Durability.PER_BATCH)
                    .batchInterval(Duration.ofMillis(5)).flushTimeout(Duration.ofSeconds(30)).build());
        }
        try (Space space = b.start()) {
            Set<Integer> partitions = new HashSet<>();
            for (int i = 0; i < ACCOUNTS; i++) {
                space.write(new Account(id(i), INITIAL, 0));
                partitions.add(Locks.partitionOf(space, id(i)));
            }
            assertThat(partitions).as("the accounts are spread over every partition").hasSize(PARTITIONS);
            long batchesBefore = 0;
            if (persistence != Persistence.NONE) {
                assertThat(space.admin().flush(Duration.ofSeconds(10))).isTrue();
                batchesBefore = store.count("batch ");
                store.afterEachUnit = s -> {
                    storeUnits.incrementAndGet();
                    long sum = 0;
                    for (Object row : s.tableUnderLock(Account.class).values()) {
                        sum += ((Account) row).balance();
                    }
                    if (sum != TOTAL) {
                        storeViolations.incrementAndGet();
                    }
                };
            }

            AtomicLongArray expected = new AtomicLongArray(ACCOUNTS);
            for (int i = 0; i < ACCOUNTS; i++) {
                expected.set(i, INITIAL);
            }
            AtomicLong committed = new AtomicLong();
            AtomicLong crossPartition = new AtomicLong();
            AtomicLong injected = new AtomicLong();
            AtomicLong poisoned = new AtomicLong();
            AtomicLong cancelled = new AtomicLong();
            AtomicLong conflicts = new AtomicLong();
            AtomicLong deadlocks = new AtomicLong();
            AtomicLong snapshots = new AtomicLong();
            AtomicLong snapshotConflicts = new AtomicLong();
            AtomicLong badSnapshots = new AtomicLong();
            AtomicLong plainReads = new AtomicLong();
            AtomicLong skewedPlainReads = new AtomicLong();
            AtomicLong dirtyReads = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            AtomicBoolean done = new AtomicBoolean();
            TransactionOptions exclusive = TransactionOptions.defaults().withIsolation(TransactionOptions.Isolation.EXCLUSIVE_READ);
            TransactionOptions readCommitted = TransactionOptions.defaults();

            CountDownLatch go = new CountDownLatch(1);
            Thread[] workers = new Thread[THREADS];
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                boolean readForUpdate = t % 2 == 0;
                workers[t] = new Thread(() -> {
                    Random rnd = new Random(7_919L * (thread + 1));
                    try {
                        go.await();
                        for (int n = 0; n < transfersPerThread; n++) {
                            int from = rnd.nextInt(ACCOUNTS);
                            int to = rnd.nextInt(ACCOUNTS - 1);
                            if (to >= from) {
                                to++;
                            }
                            long amount = 1 + rnd.nextInt(100);
                            int fault = rnd.nextInt(100);
                            boolean fromFirst = rnd.nextBoolean();
                            while (true) {
                                try (Transaction tx = space.beginTransaction(readForUpdate ? exclusive : readCommitted)) {
                                    Space ts = tx.space();
                                    if (readForUpdate) {
                                        Account first = ts.readById(Account.class, id(fromFirst ? from : to));
                                        Account second = ts.readById(Account.class, id(fromFirst ? to : from));
                                        Account f = fromFirst ? first : second;
                                        Account d = fromFirst ? second : first;
                                        ts.write(new Account(f.id(), f.balance() - amount, f.version()));
                                        if (fault < 5) {
                                            throw new InjectedFailure();
                                        }
                                        if (fault < 8) {
                                            ts.write(new Account(d.id(), d.balance() - POISON, d.version()));
                                            tx.rollback();
                                            poisoned.incrementAndGet();
                                            break;
                                        }
                                        ts.write(new Account(d.id(), d.balance() + amount, d.version()));
                                    } else {
                                        ts.change(Query.of(Account.class, "id = ?", id(from)), ChangeSet.create().increment("balance", -amount));
                                        if (fault < 5) {
                                            throw new InjectedFailure();
                                        }
                                        if (fault < 8) {
                                            ts.change(Query.of(Account.class, "id = ?", id(to)), ChangeSet.create().increment("balance", -POISON));
                                            tx.rollback();
                                            poisoned.incrementAndGet();
                                            break;
                                        }
                                        ts.change(Query.of(Account.class, "id = ?", id(to)), ChangeSet.create().increment("balance", amount));
                                    }
                                    if (fault < 10) {
                                        tx.rollback();
                                        cancelled.incrementAndGet();
                                        break;
                                    }
                                    tx.commit();
                                    expected.addAndGet(from, -amount);
                                    expected.addAndGet(to, amount);
                                    committed.incrementAndGet();
                                    if (Locks.partitionOf(space, id(from)) != Locks.partitionOf(space, id(to))) {
                                        crossPartition.incrementAndGet();
                                    }
                                    break;
                                } catch (InjectedFailure e) {
                                    injected.incrementAndGet(); // try-with-resources rolled it back
                                    break;
                                } catch (TransactionConflictException e) {
                                    conflicts.incrementAndGet();
                                    if (e.getMessage().contains("deadlock")) {
                                        deadlocks.incrementAndGet();
                                    }
                                    Thread.yield(); // rolled back by close(); retry the same transfer
                                }
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }, "transfer-" + t);
                workers[t].start();
            }

            Thread snapshotReader = new Thread(() -> {
                try {
                    go.await();
                    while (!done.get()) {
                        try (Transaction tx = space.beginTransaction(exclusive)) {
                            long sum = 0;
                            for (int i = 0; i < ACCOUNTS; i++) {
                                long balance = tx.space().readById(Account.class, id(i)).balance();
                                if (balance < -POISON / 2) {
                                    dirtyReads.incrementAndGet();
                                }
                                sum += balance;
                            }
                            tx.commit();
                            snapshots.incrementAndGet();
                            if (sum != TOTAL) {
                                badSnapshots.incrementAndGet();
                            }
                        } catch (TransactionConflictException e) {
                            snapshotConflicts.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "snapshot-reader");
            Thread plainReader = new Thread(() -> {
                try {
                    go.await();
                    boolean inTx = false;
                    while (!done.get()) {
                        List<Account> all;
                        if (inTx) {
                            try (Transaction tx = space.beginTransaction(readCommitted)) {
                                all = tx.space().readMultiple(Query.all(Account.class));
                                tx.commit();
                            }
                        } else {
                            all = space.readMultiple(Query.all(Account.class));
                        }
                        inTx = !inTx;
                        long sum = 0;
                        for (Account a : all) {
                            if (a.balance() < -POISON / 2) {
                                dirtyReads.incrementAndGet();
                            }
                            sum += a.balance();
                        }
                        plainReads.incrementAndGet();
                        if (all.size() != ACCOUNTS || sum != TOTAL) {
                            skewedPlainReads.incrementAndGet();
                        }
                        Thread.yield();
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "read-committed-reader");
            snapshotReader.start();
            plainReader.start();

            long t0 = System.nanoTime();
            go.countDown();
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(100));
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            done.set(true);
            snapshotReader.join(10_000);
            plainReader.join(10_000);
            assertThat(errors).isEmpty();

            List<Account> end = space.readMultiple(Query.all(Account.class));
            assertThat(end.stream().mapToLong(Account::balance).sum()).as("the total at the end").isEqualTo(TOTAL);
            for (Account a : end) {
                int i = Integer.parseInt(a.id().substring(4));
                assertThat(a.balance()).as("account %s: initial balance plus its committed transfers (no lost update)", a.id())
                        .isEqualTo(expected.get(i));
            }
            assertThat(badSnapshots.get()).as("inconsistent EXCLUSIVE_READ snapshots").isZero();
            assertThat(snapshots.get()).as("snapshots taken while transfers ran").isGreaterThan(5);
            assertThat(dirtyReads.get()).as("uncommitted (poisoned) balances seen").isZero();
            assertThat(committed.get()).isGreaterThan(THREADS * transfersPerThread / 2);
            assertThat(crossPartition.get()).as("committed transfers between partitions").isGreaterThan(committed.get() / 2);
            assertThat(injected.get() + poisoned.get() + cancelled.get()).isGreaterThan(0);
            assertThat(Locks.locked(space)).as("locks left").isZero();
            assertThat(Locks.openParts(space)).as("transaction parts left").isZero();

            if (persistence != Persistence.NONE) {
                assertThat(space.admin().flush(Duration.ofSeconds(60))).isTrue();
                assertThat(storeViolations.get()).as("store states whose total differed").isZero();
                Map<Object, Object> rows = store.table(Account.class);
                for (Account a : end) {
                    assertThat(rows.get(a.id())).as("store row of %s", a.id()).isEqualTo(a);
                }
                long consolidated = store.transactions.stream().filter(TransactionData::isConsolidated).count();
                assertThat(store.transactions).as("one TransactionData per committed transfer").hasSize((int) committed.get());
                assertThat(consolidated).as("transfers between partitions arrive as one consolidated unit").isEqualTo(crossPartition.get());
                for (TransactionData td : store.transactions) {
                    assertThat(td.getTransactionParticipantDataItems()).hasSize(2);
                }
                assertThat(store.count("batch ")).as("no transfer reaches the store as plain operations").isEqualTo(batchesBefore);
            }
            System.out.printf("bank %s: %d transfers committed (%d between partitions) in %d ms by %d threads; %d injected failures,"
                            + " %d poisoned rollbacks, %d cancelled; %d conflicts (%d deadlocks refused); %d consistent snapshots"
                            + " (%d conflicts); %d READ_COMMITTED reads, %d with read skew; store units %d%n",
                    persistence, committed.get(), crossPartition.get(), elapsedMs, THREADS, injected.get(), poisoned.get(),
                    cancelled.get(), conflicts.get(), deadlocks.get(), snapshots.get(), snapshotConflicts.get(), plainReads.get(),
                    skewedPlainReads.get(), storeUnits.get());
        }
    }
}
