package io.khora;

import io.khora.fixtures.Trade;
import io.khora.testing.EventRecorder;
import io.khora.testing.ManualScheduler;
import io.khora.testing.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Leases: an entry is returned before its lease runs out and never after, is evicted with exactly one
 * EXPIRE event, a re-write sets a new lease, handles renew and cancel. Time is a manual ticker and
 * the sweeps run on a manual scheduler, so nothing sleeps; one test uses the real clock.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LeaseTest {
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final long T0 = 1_000_000L;
    private static final AtomicInteger SPACE_SEQ = new AtomicInteger();
    private static final AtomicLong SENTINEL_IDS = new AtomicLong(-1);

    private ManualTicker ticker;
    private ManualScheduler scheduler;
    private Space space;
    private EventRecorder<Trade> events;
    private final List<Space> spaces = new ArrayList<>();

    @BeforeEach
    void start() {
        ticker = new ManualTicker(T0);
        scheduler = new ManualScheduler(ticker);
        space = track(Spaces.embedded("lease-" + SPACE_SEQ.incrementAndGet()).ticker(ticker).scheduler(scheduler)
                .leaseSweepInterval(Duration.ofMillis(1)).start());
        events = new EventRecorder<>();
        space.subscribe(Query.all(Trade.class), EnumSet.allOf(SpaceEventType.class), events);
    }

    private Space track(Space s) {
        spaces.add(s);
        return s;
    }

    @AfterEach
    void stop() {
        spaces.forEach(Space::close);
    }

    private static Trade trade(long id, double price) {
        return new Trade(id, "S" + (id % 3), price, (int) price);
    }

    /** Runs the background sweep (the manual scheduler's due tasks); the interval is 1 ms, so it is due after any advance. */
    private void sweep() {
        scheduler.runDue();
    }

    /**
     * Waits until every event published so far has been delivered: writes and takes a sentinel and
     * waits for its TAKE (one subscription delivers in publish order); returns the events of {@code id}.
     */
    private List<SpaceEvent<Trade>> eventsOf(Space s, EventRecorder<Trade> rec, long id) {
        long sentinel = SENTINEL_IDS.getAndDecrement() - 1_000_000;
        s.write(new Trade(sentinel, "SENTINEL", 0.0, 0));
        s.takeById(Trade.class, sentinel);
        rec.await(e -> e.type() == SpaceEventType.TAKE && e.id().equals(sentinel), BOUND);
        return rec.events().stream().filter(e -> e.id().equals(id)).collect(Collectors.toList());
    }

    private List<SpaceEvent<Trade>> eventsOf(long id) {
        return eventsOf(space, events, id);
    }

    private static long expireCount(List<SpaceEvent<Trade>> es) {
        return es.stream().filter(e -> e.type() == SpaceEventType.EXPIRE).count();
    }

    // ================================================================ never returned after expiry

    @Test
    void anEntryWithA100msLeaseIsReturnedBeforeExpiryAndNeverAfter() throws Exception {
        Query<Trade> byId = Query.of(Trade.class, "id = ?", 1L);
        Query<Trade> byRange = Query.of(Trade.class, "price >= ?", 0.0);
        Query<Trade> all = Query.all(Trade.class);
        LeaseHandle<Trade> h = space.write(trade(1, 10.0), Lease.ofMillis(100));
        space.write(trade(2, 20.0), Lease.ofMillis(100));
        assertThat(h.expiresAt()).isEqualTo(T0 + 100);

        ticker.advance(99);
        sweep();
        assertThat(space.readById(Trade.class, 1L)).isNotNull();
        assertThat(space.read(byId)).isNotNull();
        assertThat(space.readMultiple(all)).hasSize(2);
        assertThat(space.readMultiple(byRange)).hasSize(2);
        assertThat(space.count(all)).isEqualTo(2);
        assertThat(space.count(byRange)).isEqualTo(2);
        assertThat(space.take(Query.of(Trade.class, "id = ?", 2L))).as("take before expiry").isNotNull();

        ticker.advance(1); // now == expiry: the lease has run out
        assertThat(space.readById(Trade.class, 1L)).isNull();
        assertThat(space.readById(Trade.class, 1L, "S1")).isNull();
        assertThat(space.readByIds(Trade.class, List.of(1L))).containsExactly((Trade) null);
        assertThat(space.read(byId)).isNull();
        assertThat(space.read(all)).isNull();
        assertThat(space.readMultiple(all)).isEmpty();
        assertThat(space.readMultiple(byRange)).isEmpty();
        assertThat(space.count(all)).isZero();
        assertThat(space.count(byRange)).isZero();
        assertThat(space.async().readById(Trade.class, 1L).get(5, TimeUnit.SECONDS)).isNull();
        assertThat(space.async().read(all, Period.NONE).get(5, TimeUnit.SECONDS)).isNull();
        assertThat(space.take(byId)).isNull();
        assertThat(space.takeMultiple(all, 10)).isEmpty();
        assertThat(space.change(byId, ChangeSet.create().set("quantity", 5))).as("change skips it").isZero();
        assertThat(space.take(byId, Period.ofMillis(10))).as("a waiting take is not served by it").isNull();

        sweep();
        assertThat(space.count(all)).isZero();
        assertThat(space.readById(Trade.class, 1L)).isNull();
        List<SpaceEvent<Trade>> ev = eventsOf(1L);
        assertThat(ev).extracting(SpaceEvent::type).containsExactly(SpaceEventType.WRITE, SpaceEventType.EXPIRE);
        assertThat(ev.get(1).entry().getPrice()).as("EXPIRE carries the evicted value").isEqualTo(10.0);
        assertThat(eventsOf(2L)).extracting(SpaceEvent::type).containsExactly(SpaceEventType.WRITE, SpaceEventType.TAKE);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sweep", "readById", "takeById", "takeByQuery", "count", "rewrite", "renew", "cancel", "updateOnly",
            "writeOnly", "change"})
    void anExpiredEntryRaisesExactlyOneExpireEventWhicheverPathsTouchIt(String access) {
        space.write(trade(1, 10.0), Lease.ofMillis(100));
        LeaseHandle<Trade> h = space.write(trade(1, 11.0), Lease.ofMillis(100));
        ticker.advance(100);

        boolean rewritten = false;
        switch (access) {
            case "sweep" -> { }
            case "readById" -> assertThat(space.readById(Trade.class, 1L)).isNull();
            case "takeById" -> assertThat(space.takeById(Trade.class, 1L)).isNull();
            case "takeByQuery" -> assertThat(space.take(Query.of(Trade.class, "id = ?", 1L))).isNull();
            case "count" -> assertThat(space.count(Query.all(Trade.class))).isZero();
            case "rewrite" -> {
                LeaseHandle<Trade> again = space.write(trade(1, 12.0));
                assertThat(again.created()).as("an expired entry counts as absent").isTrue();
                assertThat(again.version()).isEqualTo(1);
                rewritten = true;
            }
            case "renew" -> assertThatThrownBy(() -> h.renew(Lease.ofMillis(100))).isInstanceOf(EntryNotFoundException.class);
            case "cancel" -> assertThatThrownBy(h::cancel).isInstanceOf(EntryNotFoundException.class);
            case "updateOnly" -> assertThatThrownBy(() -> space.write(trade(1, 12.0), Lease.FOREVER, WriteMode.UPDATE_ONLY))
                    .isInstanceOf(EntryNotFoundException.class);
            case "writeOnly" -> {
                space.write(trade(1, 12.0), Lease.FOREVER, WriteMode.WRITE_ONLY);
                rewritten = true;
            }
            case "change" -> assertThat(space.change(Query.all(Trade.class), ChangeSet.create().set("quantity", 1))).isZero();
            default -> throw new IllegalArgumentException(access);
        }
        sweep();
        ticker.advance(5);
        sweep();

        List<SpaceEvent<Trade>> ev = eventsOf(1L);
        assertThat(expireCount(ev)).as("EXPIRE events after %s + sweeps: %s", access, ev).isEqualTo(1);
        SpaceEvent<Trade> expire = ev.stream().filter(e -> e.type() == SpaceEventType.EXPIRE).findFirst().orElseThrow();
        assertThat(expire.version()).isEqualTo(2);
        assertThat(expire.entry().getPrice()).isEqualTo(11.0);
        assertThat(ev).extracting(SpaceEvent::type).doesNotContain(SpaceEventType.TAKE);
        if (rewritten) {
            assertThat(space.readById(Trade.class, 1L).getPrice()).isEqualTo(12.0);
            assertThat(ev.get(ev.size() - 1).type()).isEqualTo(SpaceEventType.WRITE);
        } else {
            assertThat(space.readById(Trade.class, 1L)).isNull();
            assertThat(space.count(Query.all(Trade.class))).isZero();
        }
    }

    @Test
    void theRealSchedulerSweepsAnEntryWhoseLeaseRanOutWithOneExpireEvent() {
        ManualTicker t = new ManualTicker(T0);
        Space s = track(Spaces.embedded("lease-real-sweep-" + SPACE_SEQ.incrementAndGet()).ticker(t)
                .leaseSweepInterval(Duration.ofMillis(5)).start());
        EventRecorder<Trade> rec = new EventRecorder<>();
        s.subscribe(Query.all(Trade.class), EnumSet.allOf(SpaceEventType.class), rec);
        s.write(trade(1, 10.0), Lease.ofMillis(100));
        t.advance(99);
        assertThat(s.readById(Trade.class, 1L)).isNotNull();
        t.advance(1);
        // no access at all: only the background sweep can evict it
        SpaceEvent<Trade> expire = rec.await(e -> e.type() == SpaceEventType.EXPIRE, BOUND);
        assertThat(expire.id()).isEqualTo(1L);
        assertThat(s.readById(Trade.class, 1L)).isNull();
        assertThat(s.count(Query.all(Trade.class))).isZero();
        assertThat(s.takeById(Trade.class, 1L)).isNull();
        assertThat(expireCount(eventsOf(s, rec, 1L))).isEqualTo(1);
    }

    // ================================================================ re-writes, renew, cancel

    @Test
    void reWritingAnEntrySetsANewLease() {
        space.write(trade(1, 10.0), Lease.ofMillis(100));
        ticker.advance(50);
        LeaseHandle<Trade> h = space.write(trade(1, 11.0), Lease.ofMillis(100));
        assertThat(h.created()).isFalse();
        assertThat(h.expiresAt()).isEqualTo(T0 + 150);

        ticker.advance(60); // past the first lease, before the second
        sweep();
        assertThat(space.readById(Trade.class, 1L)).as("the old expiry no longer applies").isNotNull();
        assertThat(space.count(Query.all(Trade.class))).isEqualTo(1);
        assertThat(expireCount(eventsOf(1L))).isZero();

        ticker.advance(40);
        assertThat(space.readById(Trade.class, 1L)).isNull();
        sweep();
        assertThat(eventsOf(1L)).extracting(SpaceEvent::type)
                .containsExactly(SpaceEventType.WRITE, SpaceEventType.UPDATE, SpaceEventType.EXPIRE);
    }

    @Test
    void reWritingWithAShorterOrAnEndlessLeaseReplacesTheOldOne() {
        space.write(trade(1, 1.0), Lease.ofMillis(1000));
        space.write(trade(1, 1.5), Lease.ofMillis(100)); // shorter
        space.write(trade(2, 2.0), Lease.ofMillis(100));
        space.write(trade(2, 2.5), Lease.FOREVER); // endless
        space.write(trade(3, 3.0));
        space.write(trade(3, 3.5), Lease.ofMillis(100)); // endless -> finite

        ticker.advance(100);
        sweep();
        assertThat(space.readById(Trade.class, 1L)).isNull();
        assertThat(space.readById(Trade.class, 2L)).isNotNull();
        assertThat(space.readById(Trade.class, 3L)).isNull();

        ticker.advance(TimeUnit.DAYS.toMillis(365));
        sweep();
        assertThat(space.readById(Trade.class, 2L)).isNotNull();
        assertThat(expireCount(eventsOf(1L))).isEqualTo(1);
        assertThat(expireCount(eventsOf(2L))).isZero();
        assertThat(expireCount(eventsOf(3L))).isEqualTo(1);
    }

    @Test
    void changeKeepsTheLeaseUnlessItSetsOne() {
        space.write(trade(1, 1.0), Lease.ofMillis(100));
        space.write(trade(2, 2.0), Lease.ofMillis(100));
        ticker.advance(50);
        space.change(Query.of(Trade.class, "id = ?", 1L), ChangeSet.create().set("quantity", 7));
        space.change(Query.of(Trade.class, "id = ?", 2L), ChangeSet.create().set("quantity", 7).lease(Lease.ofMillis(100)));
        ticker.advance(50);
        sweep();
        assertThat(space.readById(Trade.class, 1L)).as("change kept the lease").isNull();
        assertThat(space.readById(Trade.class, 2L)).as("change renewed the lease").isNotNull();
        ticker.advance(50);
        sweep();
        assertThat(space.readById(Trade.class, 2L)).isNull();
        assertThat(expireCount(eventsOf(1L))).isEqualTo(1);
        assertThat(expireCount(eventsOf(2L))).isEqualTo(1);
    }

    @Test
    void renewExtendsTheLeaseFromNow() {
        LeaseHandle<Trade> h = space.write(trade(1, 1.0), Lease.ofMillis(100));
        ticker.advance(80);
        h.renew(Lease.ofMillis(100));
        assertThat(h.expiresAt()).isEqualTo(T0 + 180);

        ticker.advance(50); // T0+130: after the first lease
        sweep();
        assertThat(space.readById(Trade.class, 1L)).isNotNull();
        assertThat(space.count(Query.all(Trade.class))).isEqualTo(1);

        ticker.advance(50); // T0+180
        assertThat(space.readById(Trade.class, 1L)).isNull();
        sweep();
        assertThat(expireCount(eventsOf(1L))).isEqualTo(1);
        assertThat(eventsOf(1L)).extracting(SpaceEvent::type).as("a renewal publishes nothing")
                .containsExactly(SpaceEventType.WRITE, SpaceEventType.EXPIRE);
        assertThatThrownBy(() -> h.renew(Lease.ofMillis(100))).isInstanceOf(EntryNotFoundException.class)
                .hasMessageContaining("id=1");
    }

    @Test
    void renewingToForeverStopsExpiry() {
        LeaseHandle<Trade> h = space.write(trade(1, 1.0), Lease.ofMillis(100));
        h.renew(Lease.FOREVER);
        assertThat(h.expiresAt()).isEqualTo(Long.MAX_VALUE);
        ticker.advance(TimeUnit.DAYS.toMillis(10_000));
        sweep();
        assertThat(space.readById(Trade.class, 1L)).isNotNull();
        assertThat(expireCount(eventsOf(1L))).isZero();
    }

    @Test
    void cancelRemovesTheEntryWithATakeEventAndASecondCancelFails() {
        LeaseHandle<Trade> h = space.write(trade(1, 1.0), Lease.ofMillis(100));
        LeaseHandle<Trade> forever = space.write(trade(2, 2.0));
        ticker.advance(10);

        h.cancel();
        forever.cancel();

        assertThat(space.readById(Trade.class, 1L)).isNull();
        assertThat(space.readById(Trade.class, 2L)).isNull();
        assertThat(space.count(Query.all(Trade.class))).isZero();
        assertThatThrownBy(h::cancel).isInstanceOf(EntryNotFoundException.class).hasMessageContaining("id=1");
        assertThatThrownBy(forever::cancel).isInstanceOf(EntryNotFoundException.class);
        assertThat(((EntryNotFoundException) catchCancel(h)).id()).isEqualTo(1L);
        assertThatThrownBy(() -> h.renew(Lease.ofMillis(100))).isInstanceOf(EntryNotFoundException.class);

        ticker.advance(200);
        sweep();
        assertThat(eventsOf(1L)).extracting(SpaceEvent::type).as("cancelled, so it never expires")
                .containsExactly(SpaceEventType.WRITE, SpaceEventType.TAKE);
        assertThat(eventsOf(2L)).extracting(SpaceEvent::type).containsExactly(SpaceEventType.WRITE, SpaceEventType.TAKE);
    }

    private static RuntimeException catchCancel(LeaseHandle<?> h) {
        try {
            h.cancel();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("cancel did not fail");
    }

    @Test
    void leaseForeverNeverExpires() {
        LeaseHandle<Trade> h = space.write(trade(1, 1.0), Lease.FOREVER);
        LeaseHandle<Trade> byDefault = space.write(trade(2, 1.0));
        assertThat(h.expiresAt()).isEqualTo(Long.MAX_VALUE);
        assertThat(byDefault.expiresAt()).isEqualTo(Long.MAX_VALUE);
        assertThat(Lease.ofMillis(Long.MAX_VALUE)).isEqualTo(Lease.FOREVER);
        assertThat(Lease.of(Duration.ofSeconds(Long.MAX_VALUE))).as("too long for millis").isEqualTo(Lease.FOREVER);

        ticker.advance(Long.MAX_VALUE / 4);
        sweep();
        assertThat(space.readById(Trade.class, 1L)).isNotNull();
        assertThat(space.count(Query.all(Trade.class))).isEqualTo(2);
        assertThat(expireCount(eventsOf(1L))).isZero();
        assertThat(expireCount(eventsOf(2L))).isZero();
    }

    @Test
    void aHugeFiniteLeaseSaturatesInsteadOfOverflowing() {
        ticker.advance(Long.MAX_VALUE / 2);
        LeaseHandle<Trade> h = space.write(trade(1, 1.0), Lease.ofMillis(Long.MAX_VALUE - 1));
        assertThat(h.expiresAt()).as("saturated, not wrapped into the past").isEqualTo(Long.MAX_VALUE);
        sweep();
        assertThat(space.readById(Trade.class, 1L)).isNotNull();
    }

    @Test
    void aZeroOrNegativeLeaseIsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> Lease.ofMillis(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease must be positive").hasMessageContaining("0");
        assertThatThrownBy(() -> Lease.ofMillis(-5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease must be positive").hasMessageContaining("-5");
        assertThatThrownBy(() -> Lease.of(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease must be positive");
        assertThatThrownBy(() -> Lease.of(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease must be positive");
        assertThatThrownBy(() -> Lease.of(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("lease");
        assertThatThrownBy(() -> space.write(trade(1, 1.0), null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("lease");
        LeaseHandle<Trade> h = space.write(trade(1, 1.0));
        assertThatThrownBy(() -> h.renew(null)).isInstanceOf(NullPointerException.class);
        assertThat(Lease.of(Duration.ofNanos(1)).toMillis()).as("a positive sub-millisecond lease rounds up").isEqualTo(1);
    }

    // ================================================================ randomized model check

    @Test
    void leasesFollowAModelThroughRandomWritesRenewsTakesAndSweeps() {
        SplittableRandom rnd = new SplittableRandom(0xC0FFEE);
        int ids = 60;
        Map<Long, Long> expiry = new HashMap<>(); // present in the engine (live or not yet evicted) -> expiresAt
        Map<Long, Integer> expectedExpires = new HashMap<>();
        Map<Long, LeaseHandle<Trade>> handles = new HashMap<>();

        for (int step = 0; step < 400; step++) {
            long now = ticker.millis();
            long id = rnd.nextInt(ids);
            Long exp = expiry.get(id);
            boolean present = exp != null;
            boolean expired = present && exp <= now;
            switch (rnd.nextInt(10)) {
                case 0, 1, 2, 3 -> { // write with a new lease
                    Lease lease = rnd.nextInt(8) == 0 ? Lease.FOREVER : Lease.ofMillis(1 + rnd.nextInt(300));
                    if (expired) {
                        expectedExpires.merge(id, 1, Integer::sum);
                    }
                    LeaseHandle<Trade> h = space.write(trade(id, step), lease);
                    assertThat(h.created()).as("step %d", step).isEqualTo(!present || expired);
                    handles.put(id, h);
                    expiry.put(id, lease.expiryFrom(now));
                }
                case 4 -> { // renew
                    LeaseHandle<Trade> h = handles.get(id);
                    if (h == null) {
                        break;
                    }
                    Lease lease = Lease.ofMillis(1 + rnd.nextInt(300));
                    if (present && !expired) {
                        h.renew(lease);
                        expiry.put(id, lease.expiryFrom(now));
                    } else {
                        assertThatThrownBy(() -> h.renew(lease)).isInstanceOf(EntryNotFoundException.class);
                        if (expired) {
                            expectedExpires.merge(id, 1, Integer::sum);
                        }
                        expiry.remove(id);
                    }
                }
                case 5 -> { // takeById
                    Trade t = space.takeById(Trade.class, id);
                    assertThat(t != null).as("step %d takeById(%d)", step, id).isEqualTo(present && !expired);
                    if (expired) {
                        expectedExpires.merge(id, 1, Integer::sum);
                    }
                    expiry.remove(id);
                }
                default -> { // time passes, the sweeper runs
                    ticker.advance(1 + rnd.nextInt(40));
                    sweep();
                    long t = ticker.millis();
                    expiry.entrySet().removeIf(e -> {
                        if (e.getValue() <= t) {
                            expectedExpires.merge(e.getKey(), 1, Integer::sum);
                            return true;
                        }
                        return false;
                    });
                }
            }
            long t = ticker.millis();
            Set<Long> live = expiry.entrySet().stream().filter(e -> e.getValue() > t).map(Map.Entry::getKey)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(space.count(Query.all(Trade.class))).as("step %d count", step).isEqualTo(live.size());
            Set<Long> seen = space.readMultiple(Query.of(Trade.class, "price >= ?", 0.0)).stream().map(Trade::getId)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(seen).as("step %d live ids", step).isEqualTo(live);
            long probe = rnd.nextInt(ids);
            assertThat(space.readById(Trade.class, probe) != null).as("step %d readById(%d)", step, probe)
                    .isEqualTo(live.contains(probe));
        }
        // the end of time for every finite lease
        ticker.advance(1_000);
        sweep();
        expiry.forEach((id, exp) -> {
            if (exp != Long.MAX_VALUE) {
                expectedExpires.merge(id, 1, Integer::sum);
            }
        });
        for (long id = 0; id < ids; id++) {
            assertThat(expireCount(eventsOf(id))).as("EXPIRE events of id %d", id).isEqualTo((long) expectedExpires.getOrDefault(id, 0));
        }
        assertThat(expectedExpires.values().stream().mapToInt(Integer::intValue).sum()).as("the model did expire entries")
                .isGreaterThan(50);
    }

    // ================================================================ real time

    @Test
    void withTheRealClockA100msLeaseExpiresAndIsSweptWithAnExpireEvent() {
        Space s = track(Spaces.embedded("lease-real-" + SPACE_SEQ.incrementAndGet()).leaseSweepInterval(Duration.ofMillis(10)).start());
        EventRecorder<Trade> rec = new EventRecorder<>();
        s.subscribe(Query.all(Trade.class), EnumSet.of(SpaceEventType.EXPIRE), rec);
        long start = System.nanoTime();
        s.write(trade(1, 10.0), Lease.ofMillis(100));

        SpaceEvent<Trade> expire = rec.await(e -> e.id().equals(1L), Duration.ofSeconds(2));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(expire.type()).isEqualTo(SpaceEventType.EXPIRE);
        // leases count whole ticker milliseconds from the write's (truncated) millisecond, so expiry may
        // come up to 1 ms before 100 ms after the call
        assertThat(elapsedMs).as("not before the lease ran out").isGreaterThanOrEqualTo(99);
        assertThat(s.readById(Trade.class, 1L)).isNull();
        assertThat(s.count(Query.all(Trade.class))).isZero();
        assertThat(rec.events()).hasSize(1);
    }
}
