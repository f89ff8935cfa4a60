package io.khora.hibernate.writebehind;

import io.khora.Space;
import io.khora.hibernate.DefaultHibernateSpaceSynchronizationEndpoint;
import io.khora.hibernate.writebehind.model.WbItem;
import io.khora.persistence.OperationsBatchData;
import io.khora.persistence.WriteBehindSettings;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outage test's other failure made deterministic: the endpoint throws an {@link Error}, not a
 * {@link RuntimeException}. pgjdbc 42.7 does exactly that under {@code -ea} (surefire's default)
 * when PostgreSQL closes the connection in the middle of a JDBC batch —
 * {@code AssertionError: pgStatement.getConnection().getAutoCommit() should not throw} from
 * {@code BatchResultHandler.isAutoCommit}, seen when {@link WriteBehindOutageTest} stopped the server
 * — and any endpoint can (a LinkageError, an OutOfMemoryError, an assertion of its own).
 *
 * <p>Here the real Hibernate endpoint over real PostgreSQL is wrapped to throw that
 * {@code AssertionError} on its first call only, as if the server had dropped the connection once.
 * Proved: the partition keeps delivering — {@code flush} succeeds and every acknowledged write is a
 * row.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WriteBehindEndpointErrorTest {
    @TempDir
    Path tmp;

    /** The real endpoint, whose first call fails the way pgjdbc fails under -ea when the server drops the connection. */
    static final class ErrorOnFirstCall extends DefaultHibernateSpaceSynchronizationEndpoint {
        final AtomicBoolean thrown = new AtomicBoolean();

        ErrorOnFirstCall(SessionFactory sf) {
            super(sf);
        }

        @Override
        public void onOperationsBatchSynchronization(OperationsBatchData batchData) {
            if (thrown.compareAndSet(false, true)) {
                throw new AssertionError("pgStatement.getConnection().getAutoCommit() should not throw");
            }
            super.onOperationsBatchSynchronization(batchData);
        }
    }

    @Test
    void anErrorFromTheEndpointDoesNotStopThePartitionsDelivery() throws Exception {
        try (WbPostgres pg = WbPostgres.start(tmp.resolve("pg")); WbDb db = WbDb.create(pg, "enderror")) {
            SessionFactory sf = db.sessionFactory(false);
            ErrorOnFirstCall endpoint = new ErrorOnFirstCall(sf);
            WriteBehindSettings settings = WriteBehindSettings.builder(tmp.resolve("outbox"))
                    .batchSize(100)
                    .batchInterval(Duration.ofMillis(20))
                    .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                    .flushTimeout(Duration.ofSeconds(2))
                    .build();
            try (Space space = WbSpaces.start("enderror", 1, endpoint, null, settings)) {
                assertThat(space.waitForReady(Duration.ofSeconds(30))).isTrue();
                for (long id = 1; id <= 10; id++) {
                    space.write(new WbItem(id, 1, id, "e"));
                }
                // Regression guard (fixed: the mirror now survives any Throwable and an Error counts as "store unavailable"). Was: MirrorDispatcher.run caught only InterruptedException and RuntimeException (and
                // BatchDelivery.trySend only RuntimeException), so an Error thrown by the endpoint ends the mirror
                // thread — reported only by the default uncaught-exception handler on stderr. Its partition is never
                // delivered again: flush times out, close() leaves everything in the outbox, and once the outbox is
                // full writers get PersistenceBacklogFullException ("Is the data store down?") although the store is up.
                // An Error from the endpoint must be handled like a refusal (or at least stop the space visibly).
                assertThat(space.admin().flush(Duration.ofSeconds(5))).as("flush after one Error from the endpoint").isTrue();
                Set<Long> expected = LongStream.rangeClosed(1, 10).boxed().collect(Collectors.toCollection(TreeSet::new));
                assertThat(new TreeSet<>(db.items().keySet())).isEqualTo(expected);
                assertThat(space.admin().deadLetters()).isEmpty();
            }
        }
    }
}
