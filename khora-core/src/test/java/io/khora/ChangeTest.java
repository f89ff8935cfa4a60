package io.khora;

import io.khora.document.SpaceDocument;
import io.khora.document.SpaceDocumentType;
import io.khora.fixtures.Account;
import io.khora.fixtures.Person;
import io.khora.fixtures.Trade;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private Space space;

    @BeforeEach
    void start() {
        space = Spaces.embedded("change").ticker(now::get)
                .registerType(SpaceDocumentType.builder("Counter").id("name", String.class).build())
                .start();
    }

    @AfterEach
    void stop() {
        space.close();
    }

    @Test
    void setUnsetAndIncrementChangeEveryMatchAndBumpTheVersion() {
        space.write(new Trade(1, "ACME", 10.0, 5));
        space.write(new Trade(2, "ACME", 20.0, 7));
        space.write(new Trade(3, "GLOBEX", 30.0, 9));
        int n = space.change(Query.of(Trade.class, "symbol = ?", "ACME"),
                ChangeSet.create().increment("quantity", 10).set("trader", "zoe").increment("price", 0.5));
        assertThat(n).isEqualTo(2);
        Trade t1 = space.readById(Trade.class, 1L);
        assertThat(t1.getQuantity()).isEqualTo(15);
        assertThat(t1.getPrice()).isEqualTo(10.5);
        assertThat(t1.getTrader()).isEqualTo("zoe");
        assertThat(space.readById(Trade.class, 3L).getTrader()).isNull();
        space.change(Query.of(Trade.class, "id = 1"), ChangeSet.create().unset("trader").decrement("quantity", 15));
        t1 = space.readById(Trade.class, 1L);
        assertThat(t1.getTrader()).isNull();
        assertThat(t1.getQuantity()).isZero();
        assertThat(space.write(new Trade(1, "ACME", 1.0, 1)).version()).as("two changes bumped the version twice").isEqualTo(4);
    }

    @Test
    void collectionsAreChangedCopyOnWrite() {
        space.write(new Person("p", "Ann", null, List.of("a"), 30));
        Person before = space.readById(Person.class, "p");
        space.change(Query.of(Person.class, "id = 'p'"), ChangeSet.create().addToCollection("tags", "b").addToCollection("tags", "c"));
        space.change(Query.of(Person.class, "id = 'p'"), ChangeSet.create().removeFromCollection("tags", "a"));
        assertThat(space.readById(Person.class, "p").tags()).containsExactly("b", "c");
        assertThat(before.tags()).containsExactly("a");
    }

    @Test
    void aChangeCanRenewTheLease() {
        space.write(new Trade(1, "A", 1.0, 1), Lease.ofMillis(100));
        space.change(Query.all(Trade.class), ChangeSet.create().lease(Lease.ofMillis(1_000)));
        now.addAndGet(500);
        assertThat(space.readById(Trade.class, 1L)).isNotNull();
        now.addAndGet(600);
        assertThat(space.readById(Trade.class, 1L)).isNull();
    }

    @Test
    void documentsGainDynamicPropertiesThroughChange() {
        space.write(new SpaceDocument("Counter").setProperty("name", "hits"));
        space.change(Query.of("Counter", "name = 'hits'"), ChangeSet.create().increment("value", 3L));
        space.change(Query.of("Counter", "name = 'hits'"), ChangeSet.create().increment("value", 4L));
        SpaceDocument d = space.readById("Counter", "hits");
        assertThat(d.<Long>get("value")).isEqualTo(7L);
    }

    @Test
    void incrementOverflowFailsAndLeavesTheEntryUnchanged() {
        space.write(new Trade(1, "A", 1.0, Integer.MAX_VALUE));
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        space.change(Query.all(Trade.class), ChangeSet.create().increment("quantity", 1)))
                .isInstanceOf(SpaceTypeException.class).hasMessageContaining("overflows");
        assertThat(space.readById(Trade.class, 1L).getQuantity()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aStaleVersionIsRefusedAndTheEntryStaysUnchanged() {
        space.write(new Account("a", 100, 0));
        Account v1 = space.readById(Account.class, "a");
        assertThat(v1.version()).isEqualTo(1);
        space.write(new Account("a", 150, v1.version()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> space.write(new Account("a", 0, v1.version())))
                .isInstanceOfSatisfying(EntryVersionConflictException.class, e -> {
                    assertThat(e.givenVersion()).isEqualTo(1);
                    assertThat(e.storedVersion()).isEqualTo(2);
                    assertThat(e.getMessage()).contains("id=a");
                });
        Account now = space.readById(Account.class, "a");
        assertThat(now.balance()).isEqualTo(150);
        assertThat(now.version()).isEqualTo(2);
        space.write(new Account("a", 1, 0));
        assertThat(space.readById(Account.class, "a").version()).as("version 0 skips the check").isEqualTo(3);
    }

    @Test
    void optimisticUpdatesFromManyThreadsLoseNoIncrement() throws Exception {
        space.write(new Account("acc", 0, 0));
        int threads = 8;
        int perThread = 200;
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            ts[i] = new Thread(() -> {
                for (int k = 0; k < perThread; k++) {
                    while (true) {
                        Account a = space.readById(Account.class, "acc");
                        try {
                            space.write(new Account("acc", a.balance() + 1, a.version()));
                            break;
                        } catch (EntryVersionConflictException retry) {
                            // someone else won; read again
                        }
                    }
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) {
            t.join(20_000);
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(space.readById(Account.class, "acc").balance()).isEqualTo((long) threads * perThread);
    }
}
