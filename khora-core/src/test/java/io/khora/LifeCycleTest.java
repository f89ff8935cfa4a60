package io.khora;

import io.khora.fixtures.Trade;
import io.khora.internal.local.LocalSpace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LifeCycleTest {

    @Test
    void aStartedSpaceIsReady() {
        try (Space space = Spaces.embedded("lc").start()) {
            assertThat(space.state()).isEqualTo(SpaceState.READY);
            assertThat(space.isReady()).isTrue();
            assertThat(space.waitForReady(Duration.ZERO)).isTrue();
        }
    }

    @Test
    void stateCodesAreThoseOfSeed004() {
        assertThat(SpaceState.INITIAL.code()).isZero();
        assertThat(SpaceState.LOADING.code()).isEqualTo(1);
        assertThat(SpaceState.READY.code()).isEqualTo(2);
        assertThat(SpaceState.SUSPENDED.code()).isEqualTo(3);
        assertThat(SpaceState.RECOVER.code()).isEqualTo(4);
        assertThat(SpaceState.INVALID.code()).isEqualTo(100);
    }

    @Test
    void outsideReadyAnOperationWaitsTheSpaceWaitThenFailsNamingTheState() {
        try (Space space = Spaces.embedded("lc-wait").spaceWait(Duration.ofMillis(100)).start()) {
            space.admin().suspend();
            assertThat(space.isReady()).isFalse();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> space.write(new Trade(1, "A", 1.0, 1)))
                    .isInstanceOfSatisfying(SpaceNotReadyException.class, e -> {
                        assertThat(e.state()).isEqualTo(SpaceState.SUSPENDED);
                        assertThat(e.getMessage()).contains("SUSPENDED").contains("lc-wait");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
            space.admin().resume();
            space.write(new Trade(1, "A", 1.0, 1));
            assertThat(space.count(Query.all(Trade.class))).isEqualTo(1);
        }
    }

    @Test
    void anOperationHeldWhileSuspendedRunsWhenTheSpaceResumes() throws Exception {
        try (Space space = Spaces.embedded("lc-resume").spaceWait(Duration.ofSeconds(10)).start()) {
            space.admin().suspend();
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<LeaseHandle<Trade>> write = CompletableFuture.supplyAsync(() -> {
                started.countDown();
                return space.write(new Trade(1, "A", 1.0, 1));
            });
            started.await();
            assertThat(space.waitForReady(Duration.ofMillis(50))).isFalse();
            assertThat(write).isNotDone();
            space.admin().resume();
            assertThat(write.get(5, TimeUnit.SECONDS).id()).isEqualTo(1L);
        }
    }

    @Test
    void waitForReadyReturnsWhenTheStateBecomesReady() throws Exception {
        try (Space space = Spaces.embedded("lc-wfr").start()) {
            ((LocalSpace) space).moveTo(SpaceState.RECOVER, "test");
            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> space.waitForReady(Duration.ofSeconds(10)));
            assertThat(waiting).isNotDone();
            space.admin().resume();
            assertThat(waiting.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void waitForReadyWithoutATimeoutBlocksUntilReadyAndFailsOnceTheSpaceIsInvalidOrClosed() throws Exception {
        try (Space space = Spaces.embedded("lc-wfr-forever").start()) {
            space.waitForReady();
            ((LocalSpace) space).moveTo(SpaceState.RECOVER, "test");
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(space::waitForReady);
            assertThat(waiting).isNotDone();
            space.admin().resume();
            waiting.get(5, TimeUnit.SECONDS);

            ((LocalSpace) space).moveTo(SpaceState.RECOVER, "test");
            CompletableFuture<Void> invalid = CompletableFuture.runAsync(space::waitForReady);
            ((LocalSpace) space).moveTo(SpaceState.INVALID, "broken for the test");
            assertThat(invalid).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(SpaceNotReadyException.class).withMessageContaining("broken for the test");
        }
        Space closed = Spaces.embedded("lc-wfr-closed").start();
        ((LocalSpace) closed).moveTo(SpaceState.RECOVER, "test");
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(closed::waitForReady);
        closed.close();
        assertThat(waiting).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(SpaceClosedException.class);
        assertThatThrownBy(closed::waitForReady).isInstanceOf(SpaceClosedException.class);
    }

    @Test
    void stateListenersSeeEveryChangeInOrder() throws Exception {
        try (Space space = Spaces.embedded("lc-listen").start()) {
            List<SpaceState> seen = new CopyOnWriteArrayList<>();
            CountDownLatch two = new CountDownLatch(2);
            Subscription sub = space.addStateListener(s -> {
                seen.add(s);
                two.countDown();
            });
            space.admin().suspend();
            space.admin().resume();
            assertThat(two.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).containsExactly(SpaceState.SUSPENDED, SpaceState.READY);
            sub.close();
            assertThat(sub.isActive()).isFalse();
        }
    }

    @Test
    void suspendAndResumeRefuseTheWrongStates() {
        try (Space space = Spaces.embedded("lc-admin").start()) {
            assertThatThrownBy(() -> space.admin().resume()).isInstanceOf(IllegalStateException.class).hasMessageContaining("READY");
            space.admin().suspend();
            assertThatThrownBy(() -> space.admin().suspend()).isInstanceOf(IllegalStateException.class).hasMessageContaining("SUSPENDED");
        }
    }

    @Test
    void waitForReadyRejectsANegativeTimeout() {
        try (Space space = Spaces.embedded("lc-neg").start()) {
            assertThatThrownBy(() -> space.waitForReady(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
