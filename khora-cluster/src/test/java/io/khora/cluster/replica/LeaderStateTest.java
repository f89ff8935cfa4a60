package io.khora.cluster.replica;

import io.khora.SpaceEventType;
import io.khora.SpaceException;
import io.khora.Subscription;
import io.khora.NotLeaderException;
import io.khora.cluster.raft.Command.QuerySpec;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.LeaderClock;
import io.khora.cluster.raft.LogTicker;
import io.khora.cluster.raft.StoredEntry;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;

import static io.khora.cluster.replica.ReplicationTest.TRADE;
import static org.assertj.core.api.Assertions.assertThat;

/** One leadership's state: it serves only its own term once started, and closing it drops all of it. */
class LeaderStateTest {
    private final AtomicLong mono = new AtomicLong();
    private final LeaderEvents events = new LeaderEvents("test", Runnable::run, 16);
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private LeaderState elected(long term) {
        return new LeaderState(term, new LeaderClock(new LogTicker(), mono::get, () -> 1_000L), new LeaderWaits(new Host(), scheduler), events);
    }

    @Test
    void servesOnlyTheTermWhoseNoOpWasAppliedWhileRaftSaysItLeads() {
        LeaderState s = elected(3);
        assertThat(s.serves(true, 3)).isFalse();
        assertThat(s.servingTerm()).isEqualTo(-1);

        assertThat(s.startServing(3)).isTrue();
        assertThat(s.serves(true, 3)).isTrue();
        assertThat(s.serves(false, 3)).as("jgroups-raft no longer has it lead").isFalse();
        assertThat(s.serves(true, 4)).as("another term began").isFalse();
        assertThat(s.electedTerm()).isEqualTo(3);
    }

    @Test
    void theClockIsAnchoredWhileServingAndForgetsItOnClose() {
        LeaderState s = elected(1);
        assertThat(s.clock().now()).as("log time before serving").isZero();
        s.startServing(1);
        mono.addAndGet(250);
        assertThat(s.clock().now()).isEqualTo(1_250);

        s.close(new SpaceException("gone"), Runnable::run);
        assertThat(s.clock().now()).as("log time again").isZero();
        assertThat(s.serves(true, 1)).isFalse();
        assertThat(s.startServing(1)).as("a closed leadership never serves again").isFalse();
    }

    @Test
    void nothingRegistersBeforeServingOrAfterClose() {
        LeaderState s = elected(1);
        assertThat(s.subscribe(query(), EnumSet.allOf(SpaceEventType.class), e -> { }, r -> { })).isNull();
        assertThat(s.startWait(parkedRead(s))).isFalse();

        s.startServing(1);
        s.close(new SpaceException("gone"), Runnable::run);
        assertThat(s.subscribe(query(), EnumSet.allOf(SpaceEventType.class), e -> { }, r -> { })).isNull();
        assertThat(s.startWait(parkedRead(s))).isFalse();
        assertThat(s.waits().size()).isZero();
    }

    @Test
    void closeEndsEverySubscriptionAndWaitWithTheReasonOnTheGivenExecutor() {
        LeaderState s = elected(2);
        s.startServing(2);
        List<SpaceException> terminated = new ArrayList<>();
        Subscription sub = s.subscribe(query(), EnumSet.allOf(SpaceEventType.class), e -> { }, terminated::add);
        assertThat(sub).isNotNull();
        LeaderWaits.Wait w = parkedRead(s);
        assertThat(s.startWait(w)).isTrue();
        assertThat(events.isActive()).isTrue();

        List<Runnable> later = new ArrayList<>();
        Executor deferred = later::add;
        NotLeaderException why = new NotLeaderException("test", 0, "a", "b");
        s.close(why, deferred);
        assertThat(terminated).containsExactly(why);
        assertThat(events.isActive()).as("the sink is idle: nothing of the leadership is left").isFalse();
        assertThat(w).as("waits fail on the executor, not on the role listener's thread").isNotDone();

        later.forEach(Runnable::run);
        assertThat(w).isCompletedExceptionally();
        assertThat(w.handle((r, ex) -> ex).join()).isSameAs(why);
        assertThat(s.waits().size()).isZero();

        s.close(new SpaceException("again"), Runnable::run); // a second close does nothing
        assertThat(terminated).hasSize(1);
    }

    @Test
    void closingAnOldLeadershipLeavesTheNextOneAlone() {
        LeaderState old = elected(1);
        LeaderState next = elected(2);
        next.startServing(2);
        List<SpaceException> terminated = new ArrayList<>();
        next.subscribe(query(), EnumSet.allOf(SpaceEventType.class), e -> { }, terminated::add);

        old.close(new SpaceException("old term"), null);
        assertThat(terminated).isEmpty();
        assertThat(events.isActive()).isTrue();
    }

    private static CompiledQuery query() {
        return QuerySpec.all().compile(TRADE);
    }

    private static LeaderWaits.Wait parkedRead(LeaderState s) {
        return s.waits().create(TRADE, QuerySpec.all(), query(), 1, Command.TakeQuery.UNBOUNDED, 60_000, false, null);
    }

    /** A leader with nothing to read and no log. */
    private static final class Host implements LeaderWaits.Host {
        @Override
        public boolean isLeader() {
            return true;
        }

        @Override
        public NotLeaderException notLeader() {
            return new NotLeaderException("test", 0, "a", null);
        }

        @Override
        public List<StoredEntry> readLocal(TypeDescriptor type, QuerySpec query, int max) {
            return List.of();
        }

        @Override
        public boolean hasMatch(TypeDescriptor type, QuerySpec query) {
            return false;
        }

        @Override
        public CompletableFuture<List<StoredEntry>> proposeTake(TypeDescriptor type, QuerySpec query, int max, long maxBytes,
                                                                io.khora.cluster.CallId call) {
            return new CompletableFuture<>();
        }
    }
}
