package io.khora.examples;

import io.khora.ChangeSet;
import io.khora.EntryVersionConflictException;
import io.khora.Lease;
import io.khora.Period;
import io.khora.Query;
import io.khora.Space;
import io.khora.SpaceEventType;
import io.khora.SpaceNotReadyException;
import io.khora.Spaces;
import io.khora.Subscription;
import io.khora.annotation.SpaceIndexType;
import io.khora.document.SpaceDocument;
import io.khora.document.SpaceDocumentType;
import io.khora.keyed.Accessor;
import io.khora.keyed.Item;
import io.khora.keyed.Key;
import io.khora.keyed.KeyItem;
import io.khora.keyed.KeyedSpace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * README's first command: a short, readable tour of an embedded Khora space, printing what happens
 * in each family of operations and a throughput line at the end.
 */
public final class Demo {
    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        section("Khora demo: an embedded space with 4 partitions");
        SpaceDocumentType product = SpaceDocumentType.builder("Product")
                .id("sku", String.class)
                .property("category", String.class, SpaceIndexType.EQUAL)
                .property("price", Double.class, SpaceIndexType.ORDERED)
                .build();
        try (Space space = Spaces.embedded("demo").partitions(4).spaceWait(Duration.ofMillis(200))
                .registerType(product).start()) {
            say("state=%s, layout=%s", space.state(), space.clusterInfo());

            entries(space);
            queries(space);
            waitingTake(space);
            leasesAndEvents(space);
            optimisticLocking(space);
            lifeCycle(space);
            throughput(space);
        }
        keyed();
        PersistenceDemo.run();
        section("done");
    }

    private static void entries(Space space) {
        section("1. entries: POJOs, records and documents");
        for (int i = 1; i <= 12; i++) {
            String sym = i % 3 == 0 ? "ACME" : i % 3 == 1 ? "GLOBEX" : "INITECH";
            space.write(new Trade(i, sym, 10.0 + i, 100 * i));
        }
        say("wrote 12 trades; readById(Trade, 7) -> %s", space.readById(Trade.class, 7L));
        space.write(new Account("alice", "Alice", 100, 0));
        say("wrote record %s", space.readById(Account.class, "alice"));
        space.write(new SpaceDocument("Product").setProperty("sku", "p-1").setProperty("category", "books")
                .setProperty("price", 12.5).setProperty("title", "Tuple Spaces"));
        say("wrote document %s (title is a dynamic property)", space.readById("Product", "p-1"));
    }

    private static void queries(Space space) {
        section("2. queries: SQL-like WHERE, ORDER BY, templates, change");
        List<Trade> acme = space.readMultiple(Query.of(Trade.class, "symbol = ? AND price > ? ORDER BY price DESC", "ACME", 12.0), 10);
        say("symbol = 'ACME' AND price > 12 ORDER BY price DESC -> %s", acme);
        say("count(price BETWEEN 12 AND 16) = %d", space.count(Query.of(Trade.class, "price BETWEEN 12 AND 16")));
        say("count(symbol LIKE 'G%%' OR quantity IN (200, 300)) = %d",
                space.count(Query.of(Trade.class, "symbol LIKE 'G%' OR quantity IN (200, 300)")));
        Trade template = new Trade();
        template.setSymbol("INITECH");
        say("template {symbol=INITECH} -> %d trades", space.readMultiple(Query.template(template)).size());
        int changed = space.change(Query.of(Trade.class, "symbol = 'ACME'"), ChangeSet.create().increment("quantity", 1));
        say("change(symbol = 'ACME', quantity += 1) changed %d entries", changed);
        try {
            space.count(Query.of(Trade.class, "price > AND symbol = 'X'"));
        } catch (RuntimeException e) {
            say("a malformed query is rejected with its position:%n%s", e.getMessage());
        }
    }

    private static void waitingTake(Space space) throws Exception {
        section("3. waiting take: consumers woken by the write that matches (no polling)");
        int jobs = 2_000;
        int consumers = 4;
        AtomicInteger taken = new AtomicInteger();
        ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();
        long[] latencies = new long[jobs];
        CountDownLatch done = new CountDownLatch(consumers);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            Thread t = new Thread(() -> {
                Query<Job> q = Query.of(Job.class, "queue = ?", "q1");
                while (true) {
                    Job j = space.take(q, Period.of(Duration.ofMillis(300)));
                    if (j == null) {
                        break;
                    }
                    int n = taken.getAndIncrement();
                    if (n < jobs) {
                        latencies[n] = System.nanoTime() - j.createdNanos();
                    }
                    seen.put(j.id(), Boolean.TRUE);
                }
                done.countDown();
            }, "consumer-" + c);
            t.start();
            threads.add(t);
        }
        for (int i = 0; i < jobs; i++) {
            space.write(new Job(null, "q1", System.nanoTime()));
            if (i % 100 == 0) {
                Thread.sleep(1);
            }
        }
        done.await(30, TimeUnit.SECONDS);
        long[] sorted = latencies.clone();
        java.util.Arrays.sort(sorted);
        say("%d jobs written, %d taken by %d consumers, %d distinct (each exactly once)", jobs, taken.get(), consumers, seen.size());
        say("hand-off latency write->take: p50 %.1f us, p99 %.1f us", sorted[jobs / 2] / 1e3, sorted[jobs * 99 / 100] / 1e3);
    }

    private static void leasesAndEvents(Space space) throws Exception {
        section("4. leases and events");
        List<String> events = new ArrayList<>();
        CountDownLatch expired = new CountDownLatch(1);
        try (Subscription sub = space.subscribe(Query.of(Trade.class, "symbol = 'TEMP'"), EnumSet.allOf(SpaceEventType.class), e -> {
            synchronized (events) {
                events.add(e.type() + " v" + e.version());
            }
            if (e.type() == SpaceEventType.EXPIRE) {
                expired.countDown();
            }
        })) {
            space.write(new Trade(100, "TEMP", 1.0, 1), Lease.of(Duration.ofMillis(150)));
            space.write(new Trade(100, "TEMP", 2.0, 1), Lease.of(Duration.ofMillis(150)));
            say("written with a 150 ms lease: readById -> %s", space.readById(Trade.class, 100L));
            expired.await(2, TimeUnit.SECONDS);
            say("after expiry: readById -> %s, count -> %d", space.readById(Trade.class, 100L),
                    space.count(Query.of(Trade.class, "symbol = 'TEMP'")));
            synchronized (events) {
                say("events delivered to the listener: %s", events);
            }
        }
    }

    private static void optimisticLocking(Space space) {
        section("5. optimistic locking with @SpaceVersion");
        Account a = space.readById(Account.class, "alice");
        space.write(new Account(a.id(), a.owner(), a.balance() + 50, a.version()));
        say("updated with version %d -> now %s", a.version(), space.readById(Account.class, "alice"));
        try {
            space.write(new Account(a.id(), a.owner(), a.balance() - 999, a.version()));
        } catch (EntryVersionConflictException e) {
            say("a second update with the stale version %d is refused: %s", a.version(), e.getMessage());
        }
    }

    private static void lifeCycle(Space space) {
        section("6. life cycle");
        space.admin().suspend();
        say("suspended: state=%s isReady=%s", space.state(), space.isReady());
        try {
            space.count(Query.all(Trade.class));
        } catch (SpaceNotReadyException e) {
            say("an operation waited the 200 ms space wait, then: %s", e.getMessage());
        }
        space.admin().resume();
        say("resumed: state=%s waitForReady=%s", space.state(), space.waitForReady(Duration.ofSeconds(1)));
    }

    private static void throughput(Space space) {
        section("7. throughput (one thread, this machine, not a benchmark: see khora-bench)");
        int n = 200_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            space.write(new Trade(1_000_000 + i, "S" + (i % 50), i, 1));
        }
        long t1 = System.nanoTime();
        long found = 0;
        for (int i = 0; i < n; i++) {
            if (space.readById(Trade.class, (long) (1_000_000 + i)) != null) {
                found++;
            }
        }
        long t2 = System.nanoTime();
        say("write: %,.0f ops/s; readById: %,.0f ops/s (%d found)", n / ((t1 - t0) / 1e9), n / ((t2 - t1) / 1e9), found);
    }

    private static void keyed() throws Exception {
        section("8. the key/item protocol (seed 003)");
        try (Accessor accessor = Accessor.create()) {
            KeyedSpace orders = accessor.spaceFor("orders", 2);
            CompletableFuture<Optional<KeyItem<String>>> waiting = orders.get(Key.of("o-1"), Period.of(Duration.ofSeconds(2)));
            say("get(o-1) is waiting: done=%s", waiting.isDone());
            orders.put(Key.of("o-1"), Item.of("3 books", Lease.of(Duration.ofMinutes(1)))).join();
            say("after put(o-1): get answered %s", waiting.get(1, TimeUnit.SECONDS).map(KeyItem::value).orElse("nothing"));
            Optional<KeyItem<String>> t = orders.<String>take(Key.of("o-1"), Period.NONE).join();
            say("take(o-1) -> %s; get(o-1, NONE) -> %s", t.map(KeyItem::value).orElse("nothing"),
                    orders.get(Key.of("o-1"), Period.NONE).join().isPresent() ? "present" : "empty");
        }
    }

    static void section(String title) {
        System.out.println();
        System.out.println("== " + title);
    }

    static void say(String format, Object... args) {
        System.out.println("   " + String.format(format, args));
    }
}
