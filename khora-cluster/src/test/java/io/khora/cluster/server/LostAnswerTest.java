package io.khora.cluster.server;

import io.khora.LeaseHandle;
import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.Transaction;
import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceVersion;
import io.khora.NoLeaderException;
import io.khora.OutcomeUnknownException;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.raft.Command;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A mutation applied at the leader whose answer is lost (the leader drops it: a test hook), and
 * whose later attempts meet only NOT_LEADER (the client suspects the silent leader for 2 s, longer
 * than the rest of its 4 s budget, so it asks the followers): the client reports it
 * {@link OutcomeUnknownException} — never {@link NoLeaderException}, which means "not applied" —
 * and its resend, with the same call id, applies it once.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LostAnswerTest {
    /** A counter entry with its version. */
    public record Counter(@SpaceId String id, long value, @SpaceVersion long version) {
    }

    static LocalCluster cluster;
    /** A client whose budget (4 s) ends while it still suspects a leader that did not answer within 3 s. */
    static Space impatient;
    static Space observer;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.configure("lost-answer", 3, "counters", 1, 3, 2).startAll(Duration.ofSeconds(60))
                .awaitBalanced("counters", Duration.ofSeconds(60)); // the balancer moves no leader during a test
        impatient = Spaces.connect(cluster.nodes() + "/counters?timeout=4s&attempt-timeout=3s&connect-timeout=1s" + cluster.security("admin"));
        observer = Spaces.connect(cluster.uri("counters"));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {impatient, observer, cluster}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing the rest
            }
        }
    }

    @BeforeEach
    void emptyAndWarm() {
        observer.clear(Query.all(Counter.class));
        impatient.write(new Counter("warm-up", 0, 0)); // the connection to the leader is open and the type declared
        impatient.takeById(Counter.class, "warm-up");
    }

    @AfterEach
    void noMoreLostAnswers() {
        cluster.running.values().forEach(n -> n.dropAnswers(null));
    }

    /** Makes the leader of the partition drop its answer to the first request {@code which} accepts. */
    private static void leaderLosesTheAnswerTo(Predicate<Request> which) {
        String leader = cluster.leaderOf("counters", 0);
        AtomicBoolean armed = new AtomicBoolean(true);
        cluster.running.get(leader).dropAnswers(r -> which.test(r) && armed.compareAndSet(true, false));
    }

    private static Predicate<Request> mutation(Class<? extends Command> command) {
        return r -> r instanceof Request.Mutate m && command.isInstance(m.command());
    }

    private static OutcomeUnknownException unknown(Runnable op) {
        Throwable e = catchThrowable(op::run);
        assertThat(e).as("the answer was lost, the later attempts met NOT_LEADER").isInstanceOf(OutcomeUnknownException.class)
                .isNotInstanceOf(NoLeaderException.class).hasMessageContaining("may have been applied");
        OutcomeUnknownException u = (OutcomeUnknownException) e;
        assertThat(u.isResendable()).isTrue();
        return u;
    }

    /** Resends until the outcome is known, as a caller would (each resend is the same call, applied at most once). */
    private static Object resolve(OutcomeUnknownException u) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return u.resend().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof OutcomeUnknownException again) || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                u = again;
            }
        }
    }

    /** Commits; while the outcome is unknown, asks again as {@link Transaction#commit()} says. */
    private static void commitUntilKnown(Transaction tx) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                tx.commit();
                return;
            } catch (OutcomeUnknownException again) {
                assertThat(tx.status()).isEqualTo(Transaction.Status.COMMITTING);
                if (System.nanoTime() - deadline >= 0) {
                    throw again;
                }
            }
        }
    }

    private static Counter awaitVisible(String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Counter c;
        while ((c = observer.readById(Counter.class, id)) == null && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
        return c;
    }

    @Test
    void aWriteAppliedWhoseAnswerWasLostIsReportedUnknownAndItsResendAppliesItOnce() throws Exception {
        leaderLosesTheAnswerTo(mutation(Command.Write.class));

        OutcomeUnknownException u = unknown(() -> impatient.write(new Counter("c1", 41, 0)));
        assertThat(u).hasMessageContaining("not the leader");

        Counter applied = awaitVisible("c1");
        assertThat(applied).as("the first attempt was applied").isNotNull();
        assertThat(applied.version()).isEqualTo(1);

        @SuppressWarnings("unchecked")
        LeaseHandle<Counter> handle = (LeaseHandle<Counter>) resolve(u);
        assertThat(handle.version()).as("the resend answers the recorded outcome: version 1, not a second write").isEqualTo(1);
        assertThat(observer.readById(Counter.class, "c1").version()).isEqualTo(1);
        assertThat(observer.count(Query.all(Counter.class))).isEqualTo(1);
    }

    @Test
    void aTakeWhoseAnswerWasLostHandsItsEntryToTheResendAndToNoOneElse() throws Exception {
        observer.write(new Counter("t1", 7, 0));
        leaderLosesTheAnswerTo(mutation(Command.TakeById.class));

        OutcomeUnknownException u = unknown(() -> impatient.takeById(Counter.class, "t1"));
        assertThat(observer.readById(Counter.class, "t1")).as("taken by the first attempt").isNull();

        Counter taken = (Counter) resolve(u);
        assertThat(taken).as("the resend delivers what the lost answer carried").isNotNull();
        assertThat(taken.value()).isEqualTo(7);
        assertThat(observer.count(Query.all(Counter.class))).isZero();
    }

    @Test
    void aOnePartCommitWhoseAnswerWasLostIsLearntFromItsPartition() {
        observer.write(new Counter("a", 100, 0));
        leaderLosesTheAnswerTo(mutation(Command.TxPrepare.class));

        try (Transaction tx = impatient.beginTransaction()) {
            Counter a = tx.space().readById(Counter.class, "a");
            tx.space().write(new Counter("a", a.value() + 1, a.version()));
            commitUntilKnown(tx);
            assertThat(tx.status()).isEqualTo(Transaction.Status.COMMITTED);
        }

        assertThat(observer.readById(Counter.class, "a").value()).as("committed once").isEqualTo(101);
        assertThat(observer.readById(Counter.class, "a").version()).isEqualTo(2);
    }
}
