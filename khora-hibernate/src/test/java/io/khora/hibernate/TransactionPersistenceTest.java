package io.khora.hibernate;

import io.khora.ChangeSet;
import io.khora.EmbeddedSpaceBuilder;
import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.Transaction;
import io.khora.TransactionConflictException;
import io.khora.TransactionException;
import io.khora.TransactionOptions;
import io.khora.hibernate.model.Account;
import io.khora.persistence.DataSyncOperation;
import io.khora.persistence.OperationsBatchData;
import io.khora.persistence.SpacePersistenceException;
import io.khora.persistence.TransactionData;
import io.khora.persistence.WriteBehindSettings;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Space transactions through the Hibernate endpoint into a real PostgreSQL: a committed space
 * transaction is applied as exactly one database transaction. A trigger records, for every row the
 * endpoint inserts or updates, the id of the database transaction that changed it
 * ({@code txid_current()}); each committed transfer between two accounts in different partitions
 * must appear as one database transaction holding exactly its two rows, while a concurrent reader
 * of the table never sees the total change. A transaction the database refuses leaves nothing
 * behind, in the database or in the space. With write-behind, the mirrors consolidate the parts of
 * each transfer into one {@code TransactionData}, applied (with the exactly-once checkpoint) as one
 * database transaction too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransactionPersistenceTest {
    private static final int ACCOUNTS = 8;
    private static final long INITIAL = 1_000;
    private static final long TOTAL = ACCOUNTS * INITIAL;

    TestDatabase db;
    SessionFactory sf;

    @TempDir
    Path dir;

    @BeforeAll
    void createDatabase() {
        db = TestDatabase.postgres();
        sf = db.sessionFactory(Account.class);
        db.update("""
                create table tx_audit (
                    audit_id bigserial primary key,
                    xid bigint not null,
                    op text not null,
                    account_id bigint not null,
                    balance bigint not null
                )""");
        db.update("""
                create function tx_audit_row() returns trigger language plpgsql as $$
                begin
                    if TG_OP = 'DELETE' then
                        insert into tx_audit (xid, op, account_id, balance) values (txid_current(), TG_OP, OLD.id, OLD.balance);
                        return OLD;
                    end if;
                    insert into tx_audit (xid, op, account_id, balance) values (txid_current(), TG_OP, NEW.id, NEW.balance);
                    return NEW;
                end $$""");
        db.update("create trigger accounts_audit after insert or update or delete on accounts for each row execute function tx_audit_row()");
    }

    @AfterAll
    void dropDatabase() {
        db.close();
    }

    @BeforeEach
    void emptyTables() {
        db.update("delete from accounts");
        db.update("delete from tx_audit");
    }

    /** The Hibernate endpoint, recording what reached it. */
    static final class RecordingEndpoint extends DefaultHibernateSpaceSynchronizationEndpoint {
        final List<TransactionData> transactions = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicLong batches = new AtomicLong();
        final AtomicLong afterTransactions = new AtomicLong();

        RecordingEndpoint(SessionFactory sf) {
            super(sf);
        }

        @Override
        public void onOperationsBatchSynchronization(OperationsBatchData batchData) {
            super.onOperationsBatchSynchronization(batchData);
            batches.incrementAndGet();
        }

        @Override
        public void onTransactionSynchronization(TransactionData transactionData) {
            super.onTransactionSynchronization(transactionData);
            transactions.add(transactionData);
        }

        @Override
        public void afterTransactionSynchronization(TransactionData transactionData) {
            afterTransactions.incrementAndGet();
        }
    }

    /** What the audit trigger recorded: database transaction id → the (account, balance) rows it wrote. */
    private Map<Long, Set<List<Long>>> auditByDatabaseTransaction() {
        Map<Long, Set<List<Long>>> out = new TreeMap<>();
        for (Map<String, Object> row : db.query("select xid, account_id, balance from tx_audit order by audit_id")) {
            out.computeIfAbsent(((Number) row.get("xid")).longValue(), k -> new HashSet<>())
                    .add(List.of(((Number) row.get("account_id")).longValue(), ((Number) row.get("balance")).longValue()));
        }
        return out;
    }

    private static Set<List<Long>> rowsOf(TransactionData td) {
        Set<List<Long>> out = new HashSet<>();
        for (DataSyncOperation op : td.getTransactionParticipantDataItems()) {
            Account a = (Account) op.getDataAsObject();
            out.add(List.of(a.getId(), a.getBalance()));
        }
        return out;
    }

    private static int partition(long id) {
        return Math.floorMod(id, 4);
    }

    /**
     * Four threads move money between accounts in different partitions; a reader sums the table all
     * along. Returns the number of committed transfers.
     */
    private long transfers(Space space, int perThread) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong observations = new AtomicLong();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                long sum = db.count("select coalesce(sum(balance), 0) from accounts");
                observations.incrementAndGet();
                if (sum != TOTAL) {
                    violations.add("the table's total was " + sum);
                }
            }
        }, "table-reader");
        reader.start();
        AtomicLong committed = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        TransactionOptions forUpdate = TransactionOptions.defaults().withIsolation(TransactionOptions.Isolation.EXCLUSIVE_READ);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Random rnd = new Random(97L * (t + 1));
            Thread w = new Thread(() -> {
                try {
                    for (int n = 0; n < perThread; n++) {
                        long from = rnd.nextInt(ACCOUNTS);
                        long to = (from + 1 + rnd.nextInt(3)) % ACCOUNTS; // never in from's partition
                        long amount = 1 + rnd.nextInt(20);
                        while (true) {
                            try (Transaction tx = space.beginTransaction(forUpdate)) {
                                Account f = tx.space().readById(Account.class, from);
                                Account d = tx.space().readById(Account.class, to);
                                tx.space().write(new Account(from, f.getOwner(), f.getBalance() - amount));
                                tx.space().write(new Account(to, d.getOwner(), d.getBalance() + amount));
                                tx.commit();
                                committed.incrementAndGet();
                                break;
                            } catch (TransactionConflictException deadlock) {
                                Thread.yield(); // rolled back: try again
                            }
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "transfer-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(60));
        }
        space.admin().flush(Duration.ofSeconds(60));
        done.set(true);
        reader.join(10_000);
        assertThat(errors).isEmpty();
        assertThat(violations).as("a reader of the table saw a transfer half applied").isEmpty();
        assertThat(observations.get()).isPositive();
        System.out.printf("%s: %d transfers committed by 4 threads; the table's total read %d times while they were applied%n",
                space.name(), committed.get(), observations.get());
        return committed.get();
    }

    private void checkOneDatabaseTransactionPerSpaceTransaction(Space space, RecordingEndpoint endpoint, long committed) {
        assertThat(endpoint.transactions).as("one TransactionData per committed transfer").hasSize((int) committed);
        assertThat(endpoint.afterTransactions.get()).isEqualTo(committed);
        Map<Long, Set<List<Long>>> byXid = auditByDatabaseTransaction();
        assertThat(byXid).as("one database transaction per committed transfer").hasSize((int) committed);
        Set<Set<List<Long>>> databaseTransactions = new HashSet<>(byXid.values());
        for (TransactionData td : endpoint.transactions) {
            assertThat(td.isConsolidated()).as("two partitions, one unit").isTrue();
            Set<List<Long>> rows = rowsOf(td);
            assertThat(rows).hasSize(2);
            assertThat(databaseTransactions).as("transaction %s applied as one database transaction", td.getTransactionId()).contains(rows);
        }
        long sum = 0;
        for (Account a : space.readMultiple(Query.all(Account.class))) {
            assertThat(db.count("select balance from accounts where id = ?", a.getId())).as("row %d", a.getId()).isEqualTo(a.getBalance());
            sum += a.getBalance();
        }
        assertThat(sum).isEqualTo(TOTAL);
        assertThat(db.count("select sum(balance) from accounts")).isEqualTo(TOTAL);
    }

    private void seed(Space space) {
        for (long i = 0; i < ACCOUNTS; i++) {
            space.write(new Account(i, "owner-" + i, INITIAL));
        }
        space.admin().flush(Duration.ofSeconds(30));
        assertThat(db.count("select count(*) from accounts")).isEqualTo(ACCOUNTS);
        db.update("delete from tx_audit");
    }

    @Test
    void writeThroughACommittedTransactionIsOneDatabaseTransactionAndARefusedOneLeavesNothing() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint(sf);
        try (Space space = Spaces.embedded("tx-hibernate-wt").partitions(4).synchronizationEndpoint(endpoint).start()) {
            seed(space);
            long batchesBefore = endpoint.batches.get();
            long committed = transfers(space, 25);
            assertThat(endpoint.batches.get()).as("no transfer reached the database as plain operations").isEqualTo(batchesBefore);
            checkOneDatabaseTransactionPerSpaceTransaction(space, endpoint, committed);

            // the database refuses a transaction: nothing of it anywhere
            db.update("delete from tx_audit");
            Transaction tx = space.beginTransaction();
            tx.space().change(Query.of(Account.class, "id = 0"), ChangeSet.create().increment("balance", -500L));
            tx.space().write(new Account(100, "x".repeat(300), 500)); // varchar(255): value too long
            assertThatThrownBy(tx::commit).isInstanceOf(TransactionException.class).hasCauseInstanceOf(SpacePersistenceException.class)
                    .hasMessageContaining("rolled back");
            assertThat(db.count("select count(*) from tx_audit")).as("no row of the refused transaction").isZero();
            assertThat(db.count("select count(*) from accounts where id = 100")).isZero();
            assertThat(space.readById(Account.class, 100L)).isNull();
            assertThat(space.readById(Account.class, 0L).getBalance()).isEqualTo(db.count("select balance from accounts where id = 0"));
            assertThat(db.count("select sum(balance) from accounts")).isEqualTo(TOTAL);
        }
    }

    @Test
    void writeBehindTheMirrorsConsolidateEachTransactionIntoOneDatabaseTransaction() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint(sf);
        EmbeddedSpaceBuilder b = Spaces.embedded("tx-hibernate-wb").partitions(4).synchronizationEndpoint(endpoint)
                .writeBehind(WriteBehindSettings.builder(dir).durability(WriteBehindSettings.Durability.PER_BATCH)
                        .batchInterval(Duration.ofMillis(5)).flushTimeout(Duration.ofSeconds(30)).build());
        try (Space space = b.start()) {
            seed(space);
            long committed = transfers(space, 25);
            assertThat(space.admin().flush(Duration.ofSeconds(60))).isTrue();
            checkOneDatabaseTransactionPerSpaceTransaction(space, endpoint, committed);
            Map<Integer, Long> checkpoints = new HashMap<>();
            for (Map<String, Object> row : db.query("select partition_id, last_sequence from khora_checkpoint where space_name = ?",
                    "tx-hibernate-wb")) {
                checkpoints.put(((Number) row.get("partition_id")).intValue(), ((Number) row.get("last_sequence")).longValue());
            }
            assertThat(checkpoints).as("the exactly-once checkpoints advanced").isNotEmpty();
            for (TransactionData td : endpoint.transactions) {
                int source = td.getSourceDetails().partitionId();
                assertThat(source).as("a consolidated unit is checkpointed in its lowest partition")
                        .isEqualTo(rowsOf(td).stream().mapToInt(r -> partition(r.get(0))).min().orElseThrow());
            }
        }
    }
}
