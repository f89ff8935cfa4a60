package io.khora;

import io.khora.keyed.Accessor;
import io.khora.keyed.Item;
import io.khora.keyed.Key;
import io.khora.keyed.KeyItem;
import io.khora.keyed.KeyedSpace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The key/item protocol exactly as seed 003 describes it. */
class KeyedSpaceTest {
    private final Accessor accessor = Accessor.create();

    @AfterEach
    void close() {
        accessor.close();
    }

    @Test
    void putAnswersTheKeyItemAndGetFindsIt() throws Exception {
        KeyedSpace s = accessor.spaceFor("k1");
        KeyItem<String> put = s.put(Key.of("a"), Item.of("alpha")).get(1, TimeUnit.SECONDS);
        assertThat(put.key()).isEqualTo(Key.of("a"));
        assertThat(put.value()).isEqualTo("alpha");
        Optional<KeyItem<String>> got = s.<String>get(Key.of("a"), Period.NONE).get(1, TimeUnit.SECONDS);
        assertThat(got).map(KeyItem::value).contains("alpha");
        assertThat(got.get().item().lease()).isEqualTo(Lease.FOREVER);
    }

    @Test
    void putReplacesTheItemAndItsLease() throws Exception {
        KeyedSpace s = accessor.spaceFor("k2", 4);
        s.put(Key.of(1), Item.of("one", Lease.ofMillis(60_000))).join();
        s.put(Key.of(1), Item.of("uno")).join();
        Optional<KeyItem<String>> got = s.<String>get(Key.of(1), Period.NONE).join();
        assertThat(got.get().value()).isEqualTo("uno");
        assertThat(got.get().item().lease()).isEqualTo(Lease.FOREVER);
    }

    @Test
    void getAndTakeWaitUntilTheKeyAppearsOrThePeriodElapses() throws Exception {
        KeyedSpace s = accessor.spaceFor("k3", 2);
        List<CompletableFuture<Optional<KeyItem<String>>>> getters = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            getters.add(s.get(Key.of("late"), Period.FOREVER));
        }
        CompletableFuture<Optional<KeyItem<String>>> taker = s.take(Key.of("late"), Period.of(Duration.ofSeconds(10)));
        CompletableFuture<Optional<KeyItem<String>>> timesOut = s.get(Key.of("never"), Period.ofMillis(50));
        assertThat(getters).noneMatch(CompletableFuture::isDone);
        s.put(Key.of("late"), Item.of("here")).join();
        for (CompletableFuture<Optional<KeyItem<String>>> g : getters) {
            assertThat(g.get(2, TimeUnit.SECONDS)).map(KeyItem::value).contains("here");
        }
        assertThat(taker.get(2, TimeUnit.SECONDS)).map(KeyItem::value).contains("here");
        assertThat(s.get(Key.of("late"), Period.NONE).join()).as("taken").isEmpty();
        assertThat(timesOut.get(2, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void anExpiredLeaseEvictsTheItem() throws Exception {
        KeyedSpace s = accessor.spaceFor("k4", 1, Duration.ofMillis(10));
        s.put(Key.of("t"), Item.of("temp", Lease.ofMillis(30))).join();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (s.get(Key.of("t"), Period.NONE).join().isPresent()) {
            assertThat(System.nanoTime()).as("evicted within 5 s").isLessThan(deadline);
            Thread.sleep(5);
        }
        assertThat(s.take(Key.of("t"), Period.NONE).join()).isEmpty();
    }

    @Test
    void sameNameAnswersTheSameSpace() {
        assertThat(accessor.spaceFor("same", 2)).isSameAs(accessor.spaceFor("same", 2));
        assertThatThrownBy(() -> accessor.spaceFor("same", 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 partitions");
    }

    @Test
    void closingTheSpaceFailsItsWaiters() {
        KeyedSpace s = accessor.spaceFor("k5");
        CompletableFuture<Optional<KeyItem<Object>>> w = s.get(Key.of("x"), Period.FOREVER);
        s.close();
        assertThat(w).failsWithin(Duration.ofSeconds(2)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(SpaceClosedException.class);
    }

    @Test
    void nullKeysAndItemsAreRejected() {
        KeyedSpace s = accessor.spaceFor("k6");
        assertThatThrownBy(() -> Key.of(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> Item.of(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("value");
        assertThatThrownBy(() -> s.put(null, Item.of("x"))).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aCancelledTakeIsWithdrawnSoTheNextPutOfItsKeyStays() throws Exception {
        KeyedSpace s = accessor.spaceFor("k7", 2);
        CompletableFuture<Optional<KeyItem<String>>> taker = s.take(Key.of("c"), Period.FOREVER);
        CompletableFuture<Optional<KeyItem<String>>> getter = s.get(Key.of("c"), Period.FOREVER);
        assertThat(taker.cancel(false)).isTrue();
        assertThat(getter.cancel(false)).isTrue();
        assertThat(taker).isCancelled();
        s.put(Key.of("c"), Item.of("kept")).join();
        assertThat(s.<String>get(Key.of("c"), Period.NONE).get(2, TimeUnit.SECONDS)).map(KeyItem::value).contains("kept");
        // a take that already won cannot be cancelled: its future carries the item
        CompletableFuture<Optional<KeyItem<String>>> done = s.take(Key.of("c"), Period.FOREVER);
        assertThat(done.cancel(false)).isFalse();
        assertThat(done.get(2, TimeUnit.SECONDS)).map(KeyItem::value).contains("kept");
    }
}
