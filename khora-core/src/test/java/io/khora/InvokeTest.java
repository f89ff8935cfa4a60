package io.khora;

import io.khora.fixtures.Account;
import io.khora.fixtures.Trade;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InvokeTest {
    private Space space;

    @BeforeEach
    void start() {
        space = Spaces.embedded("invoke").partitions(4).start();
    }

    @AfterEach
    void stop() {
        space.close();
    }

    @Test
    void concurrentReadModifyWritesLoseNoUpdate() throws Exception {
        space.write(new Account("a", 0, 0));
        int threads = 8;
        int each = 2_000;
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    space.invoke(Account.class, "a", e -> {
                        Account a = e.get();
                        e.set(new Account(a.id(), a.balance() + 1, 0));
                        return null;
                    });
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join(30_000);
            assertThat(t.isAlive()).isFalse();
        }
        Account a = space.readById(Account.class, "a");
        assertThat(a.balance()).isEqualTo((long) threads * each);
        assertThat(a.version()).isEqualTo(1L + threads * each);
    }

    @Test
    void aProcessorCreatesReadsAndRemovesAndReturnsItsResult() {
        List<SpaceEventType> events = new CopyOnWriteArrayList<>();
        space.subscribe(Query.all(Trade.class), EnumSet.allOf(SpaceEventType.class), e -> events.add(e.type()));
        Boolean existed = space.invoke(Trade.class, 7L, e -> {
            boolean had = e.exists();
            e.set(new Trade(7, "NEW", 1.0, 1), Lease.of(Duration.ofMinutes(5)));
            assertThat(e.exists()).isTrue();
            assertThat(e.get().getSymbol()).isEqualTo("NEW");
            return had;
        });
        assertThat(existed).isFalse();
        assertThat(space.readById(Trade.class, 7L).getSymbol()).isEqualTo("NEW");
        int qty = space.invoke(Trade.class, 7L, e -> {
            Trade t = e.get();
            t.setQuantity(t.getQuantity() + 41);
            e.set(t);
            return t.getQuantity();
        });
        assertThat(qty).isEqualTo(42);
        Trade removed = space.invoke(Trade.class, 7L, e -> {
            Trade t = e.get();
            e.remove();
            assertThat(e.exists()).isFalse();
            return t;
        });
        assertThat(removed.getQuantity()).isEqualTo(42);
        assertThat(space.readById(Trade.class, 7L)).isNull();
        boolean stillThere = space.<Trade, Boolean>invoke(Trade.class, 7L, MutableEntry::exists);
        assertThat(stillThere).isFalse();
    }

    @Test
    void aProcessorThatThrowsChangesNothing() {
        space.write(new Trade(1, "A", 1.0, 1));
        assertThatThrownBy(() -> space.invoke(Trade.class, 1L, e -> {
            e.set(new Trade(1, "A", 99.0, 1));
            throw new IllegalStateException("changed my mind");
        })).isInstanceOf(IllegalStateException.class).hasMessage("changed my mind");
        assertThat(space.readById(Trade.class, 1L).getPrice()).isEqualTo(1.0);
    }

    @Test
    void aProcessorMayOnlyChangeItsOwnEntry() {
        assertThatThrownBy(() -> space.invoke(Trade.class, 1L, e -> {
            e.set(new Trade(2, "A", 1.0, 1));
            return null;
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id=2");
        assertThatThrownBy(() -> space.invoke(Trade.class, 1L, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> space.invoke(Trade.class, "x", e -> null)).isInstanceOf(SpaceTypeException.class);
    }

    @Test
    void anInvokeWakesAWaitingTake() throws Exception {
        var waiting = space.async().take(Query.of(Trade.class, "symbol = 'W'"), Period.FOREVER);
        space.invoke(Trade.class, 5L, e -> {
            e.set(new Trade(5, "W", 1.0, 1));
            return null;
        });
        assertThat(waiting.get(5, TimeUnit.SECONDS).getId()).isEqualTo(5L);
    }
}
