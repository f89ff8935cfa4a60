package io.khora.internal.engine;

import io.khora.SpaceClosedException;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;

import static io.khora.internal.engine.EngineFixture.ITEM;
import static io.khora.internal.engine.EngineFixture.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Waiters: registered when nothing matches, served by the write that brings a match. */
class WaiterDispatchTest {
    private final EngineFixture f = new EngineFixture();

    private static WaiterFuture<Object> future() {
        return new WaiterFuture<>();
    }

    @Test
    void aReadWaiterIsServedByTheWriteThatMatchesIt() {
        WaiterFuture<Object> read = future();
        Waiter w = new Waiter(query("kind = ?", "x"), null, false, SpaceEntry::id, read);

        assertThat(f.engine.serveOrRegister(w)).isFalse();
        f.write("n", "y", 1);
        assertThat(read).isNotDone();
        f.write("m", "x", 1);

        assertThat(read.join()).isEqualTo("m");
        assertThat(f.engine.waiterCount()).isZero();
        assertThat(f.read("m")).as("a read leaves the entry").isNotNull();
    }

    @Test
    void aTakeWaiterTakesTheWrittenEntryAndAllReadWaitersSeeIt() {
        WaiterFuture<Object> take = future();
        WaiterFuture<Object> read = future();
        f.engine.serveOrRegister(new Waiter(query("kind = ?", "x"), null, true, SpaceEntry::id, take));
        f.engine.serveOrRegister(new Waiter(EngineFixture.all(), null, false, SpaceEntry::id, read));

        f.write("m", "x", 1);

        assertThat(take.join()).isEqualTo("m");
        assertThat(read.join()).isEqualTo("m");
        assertThat(f.read("m")).isNull();
        assertThat(f.events).containsExactly("WRITE m", "TAKE m");
    }

    @Test
    void aWaiterIsServedAtOnceByAnEntryPresent() {
        f.write("m", "x", 1);
        WaiterFuture<Object> take = future();

        assertThat(f.engine.serveOrRegister(new Waiter(query("kind = ?", "x"), "m", true, SpaceEntry::id, take))).isTrue();

        assertThat(take.join()).isEqualTo("m");
        assertThat(f.engine.readById(ITEM, "m")).isNull();
    }

    @Test
    void closingThePartitionFailsItsWaiters() {
        WaiterFuture<Object> read = future();
        f.engine.serveOrRegister(new Waiter(EngineFixture.all(), null, false, SpaceEntry::id, read));

        f.engine.close();

        assertThatThrownBy(read::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(SpaceClosedException.class);
    }
}
