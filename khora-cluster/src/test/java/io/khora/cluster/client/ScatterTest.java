package io.khora.cluster.client;

import io.khora.cluster.Futures;
import io.khora.NoLeaderException;
import io.khora.OutcomeUnknownException;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class ScatterTest {
    private static final Supplier<CompletableFuture<Integer>> NEVER_AGAIN = () -> {
        throw new AssertionError("an applied call must not be sent again");
    };

    private static Throwable failure(CompletableFuture<?> f) {
        return Futures.cause(catchThrowable(f::join));
    }

    private static NoLeaderException refused() {
        return new NoLeaderException("s", 1, "no leader");
    }

    private static OutcomeUnknownException unknown(Supplier<CompletableFuture<Object>> resend) {
        return new OutcomeUnknownException("no answer", null, resend == null ? null : new OutcomeUnknownException.Resend() {
            @Override
            public CompletableFuture<Object> resend() {
                return resend.get();
            }

            @Override
            public void abandon() {
            }
        });
    }

    private static int sum(List<Integer> xs) {
        return xs.stream().mapToInt(Integer::intValue).sum();
    }

    @Test
    void everyCallAppliedGivesTheCombinedResult() {
        List<Scatter.Part<Integer>> parts = List.of(new Scatter.Part<>("p0", CompletableFuture.completedFuture(2), NEVER_AGAIN),
                new Scatter.Part<>("p1", CompletableFuture.completedFuture(3), NEVER_AGAIN));
        assertThat(Scatter.gather("clear", parts, ScatterTest::sum).join()).isEqualTo(5);
    }

    @Test
    void everyCallRefusedIsNotApplied() {
        List<Scatter.Part<Integer>> parts = List.of(new Scatter.Part<>("p0", CompletableFuture.failedFuture(refused()), NEVER_AGAIN),
                new Scatter.Part<>("p1", CompletableFuture.failedFuture(refused()), NEVER_AGAIN));
        assertThat(failure(Scatter.gather("clear", parts, ScatterTest::sum))).isInstanceOf(NoLeaderException.class);
    }

    @Test
    void aSingleCallsFailureIsPassedOnAsItIs() {
        OutcomeUnknownException u = unknown(null);
        List<Scatter.Part<Integer>> parts = List.of(new Scatter.Part<>("p0", CompletableFuture.failedFuture(u), NEVER_AGAIN));
        assertThat(failure(Scatter.gather("clear", parts, ScatterTest::sum))).isSameAs(u);
    }

    @Test
    void someAppliedAndOneRefusedIsUnknownWithThePartialResultAndAResendThatSendsTheRefusedCallAgain() {
        AtomicInteger sentAgain = new AtomicInteger();
        List<Scatter.Part<Integer>> parts = List.of(new Scatter.Part<>("partition 0", CompletableFuture.completedFuture(2), NEVER_AGAIN),
                new Scatter.Part<>("partition 1", CompletableFuture.failedFuture(refused()), () -> {
                    sentAgain.incrementAndGet();
                    return CompletableFuture.completedFuture(3);
                }));
        Throwable e = failure(Scatter.gather("space 's': clear", parts, ScatterTest::sum));
        assertThat(e).isInstanceOf(OutcomeUnknownException.class)
                .hasMessageContaining("space 's': clear is incomplete (2 calls): applied in partition 0; not applied in partition 1")
                .hasMessageContaining("resend() completes it");
        OutcomeUnknownException u = (OutcomeUnknownException) e;
        assertThat(u.partialResult()).contains(2);
        assertThat(u.resend().join()).as("the whole operation's result").isEqualTo(5);
        assertThat(sentAgain).hasValue(1);
    }

    @Test
    void anUnknownCallIsResentWithItsOwnResendAndAStillUnknownOneCanBeResentAgain() {
        AtomicInteger resends = new AtomicInteger();
        Supplier<CompletableFuture<Object>> resend = () -> resends.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(unknown(null)) : CompletableFuture.completedFuture(4);
        OutcomeUnknownException first = unknown(resend);
        List<Scatter.Part<Integer>> parts = List.of(new Scatter.Part<>("p0", CompletableFuture.completedFuture(1), NEVER_AGAIN),
                new Scatter.Part<>("p1", CompletableFuture.failedFuture(first), () -> {
                    throw new AssertionError("an unknown call is resent, not sent anew");
                }));
        OutcomeUnknownException u = (OutcomeUnknownException) failure(Scatter.gather("change", parts, ScatterTest::sum));
        assertThat(u.isResendable()).isTrue();
        Throwable again = failure(u.resend());
        assertThat(again).as("the resent call's outcome is unknown again, and it cannot be resent").isInstanceOf(OutcomeUnknownException.class);
        assertThat(((OutcomeUnknownException) again).isResendable()).isFalse();
        assertThat(((OutcomeUnknownException) again).partialResult()).contains(1);
        assertThat(u.resend().join()).isEqualTo(5);
    }

    @Test
    void stepsThatFailAfterEarlierStepsGotEntriesKeepThemAndTheResendGoesOn() {
        List<String> calls = new ArrayList<>();
        Supplier<CompletableFuture<List<String>>> second = () -> {
            calls.add("second");
            return CompletableFuture.completedFuture(List.of("c"));
        };
        CompletableFuture<List<String>> f = Scatter.step("takeMultiple", List.of(), CompletableFuture.completedFuture(List.of("a", "b")),
                NEVER_AGAIN_LIST, got -> Scatter.step("takeMultiple", got, CompletableFuture.failedFuture(refused()), second,
                        more -> CompletableFuture.completedFuture(Scatter.concat(got, more))));
        Throwable e = failure(f);
        assertThat(e).isInstanceOf(OutcomeUnknownException.class).hasMessageContaining("2 entries taken, then a call was not applied");
        OutcomeUnknownException u = (OutcomeUnknownException) e;
        assertThat(u.partialResult()).contains(List.of("a", "b"));
        assertThat(u.resend().join()).isEqualTo(List.of("a", "b", "c"));
        assertThat(calls).containsExactly("second");
    }

    @Test
    void aFirstStepsFailurePassesOnAndItsResendGoesOn() {
        NoLeaderException r = refused();
        assertThat(failure(Scatter.step("takeMultiple", List.of(), CompletableFuture.<List<String>>failedFuture(r), NEVER_AGAIN_LIST,
                got -> CompletableFuture.completedFuture(got)))).isSameAs(r);

        OutcomeUnknownException u = unknown(() -> CompletableFuture.completedFuture(List.of("x")));
        Throwable e = failure(Scatter.step("takeMultiple", List.<String>of(), CompletableFuture.<List<String>>failedFuture(u), NEVER_AGAIN_LIST,
                got -> CompletableFuture.completedFuture(Scatter.concat(got, List.of("next")))));
        assertThat(e).isInstanceOf(OutcomeUnknownException.class).hasMessage("no answer");
        assertThat(((OutcomeUnknownException) e).partialResult()).isEmpty();
        assertThat(((OutcomeUnknownException) e).resend().join()).as("the resend goes on to the next step").isEqualTo(List.of("x", "next"));
    }

    private static final Supplier<CompletableFuture<List<String>>> NEVER_AGAIN_LIST = () -> {
        throw new AssertionError("an applied call must not be sent again");
    };
}
