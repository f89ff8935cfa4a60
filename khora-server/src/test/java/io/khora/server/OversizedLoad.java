package io.khora.server;

import io.khora.EntryAlreadyExistsException;
import io.khora.Lease;
import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.WriteMode;
import io.khora.SizeLimitExceededException;
import io.khora.persistence.Partitioning;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The oversized schedule's own load, beside the run's, on clients with the nodes' size limits — all
 * of it in one partition ({@link #partition()}), so one fault meets all of it:
 *
 * <ul>
 * <li><b>bulk</b>: writes {@link #BULK_BATCH} items just below the entry limit on one routing value,
 * then takes them with one {@code takeMultiple} whose answer is larger than a frame (the nodes budget
 * each take to a frame, the client takes again); in between, an item just above the entry limit,
 * refused by the client, and one through a client with larger limits ({@code lax}), refused by the
 * node. Everything goes into the run's {@link History}: what was taken is checked like every take
 * (once, whole, nothing lost), the refused writes are "not applied" by {@link Outcomes} and must never
 * be applied whatever their outcome ({@link History#overLimit(Item)});
 * <li><b>ballast</b>: one writer keeps {@link #BALLAST_KEPT}+ large {@link Ballast} entries on a routing
 * value of their own, one reader reads them all over and over — answers larger than a frame, sent in
 * parts — checked by {@link PagedReadHistory}.
 * </ul>
 * Calls that end with an unknown outcome are resent ({@link UnknownOutcomes}), so a take's entries
 * reach its caller and the histories stay sharp. Randomness is seeded; the threads pause between
 * rounds to keep a 2-core machine responsive.
 */
final class OversizedLoad implements ScheduleLoad {
    /** The writer number of the bulk items ({@link Item#writer}); the lax client's over-limit items are {@link #LAX_WRITER}'s. */
    static final int BULK_WRITER = 60;
    static final int LAX_WRITER = 61;
    static final int BULK_BATCH = 8;
    static final int BALLAST_KEPT = 7;
    /** Larger than {@link #BALLAST_KEPT} of them fill a 1 MiB frame. */
    static final int BALLAST_PAYLOAD = 200_000;
    /** What the lax client allows (the nodes' limits are lower): its over-limit writes reach a node. */
    static final String LAX_LIMITS = "max-frame-size=4MiB&max-entry-size=2MiB";
    /**
     * The bulk client's patience, about what a fail-over after a SIGKILL takes (0.5–1.7 s from the kill
     * to a new leader, measured here): a take whose next part meets the fail-over can end unknown or
     * without a leader — and what its earlier parts took must still reach the caller.
     */
    static final String IMPATIENT = "timeout=2s&attempt-timeout=1s";
    /** A refusal of a write over the limit takes no network round trip: one slower than this was retried. */
    static final Duration REFUSED_AT_ONCE = Duration.ofSeconds(10);
    private static final int RESENDS = 3;
    private static final long BULK_PAUSE_MILLIS = 200;
    private static final long BALLAST_PAUSE_MILLIS = 150;
    private static final long READ_PAUSE_MILLIS = 100;

    private final History history;
    final PagedReadHistory paged;
    private final int frameBytes;
    private final int entryBytes;
    private final int partition;
    private final int bulkRouting;
    private final int ballastRouting;
    private final Space bulk;
    private final Space lax;
    private final Space ballastWriter;
    private final Space ballastReader;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final Queue<String> unlisted = new ConcurrentLinkedQueue<>();

    private final AtomicLong belowAcknowledged = new AtomicLong();
    private final AtomicLong refusedByClient = new AtomicLong();
    private final AtomicLong refusedByNode = new AtomicLong();
    private final AtomicLong laxUnknown = new AtomicLong();
    private final AtomicLong slowestRefusalNanos = new AtomicLong();
    private final AtomicLong bulkTakes = new AtomicLong();
    private final AtomicLong bulkTaken = new AtomicLong();
    private final AtomicLong bulkTakesOverFrame = new AtomicLong();
    private final AtomicLong largestTake = new AtomicLong();
    private final AtomicLong failedTakes = new AtomicLong();
    private final AtomicLong takesAcrossFault = new AtomicLong();
    /** When the bulk thread's take in flight began (System.nanoTime), 0 when none is. */
    private volatile long takeInFlightSince;
    private volatile long faultNanos;

    /**
     * Connects its clients (the run's options, which carry the size limits; {@link #IMPATIENT} for the
     * bulk one, {@link #LAX_LIMITS} for the lax one) and puts its load on partition {@code partition}.
     *
     * @param frameBytes the nodes' and clients' {@code max-frame-size}
     * @param entryBytes the nodes' and clients' {@code max-entry-size}
     */
    OversizedLoad(ChaosRun run, int partition, int frameBytes, int entryBytes) {
        this.history = run.history;
        this.paged = new PagedReadHistory(run.history.t0);
        this.frameBytes = frameBytes;
        this.entryBytes = entryBytes;
        this.partition = partition;
        this.bulkRouting = routingIn(partition, Load.ROUTING_VALUES, run.config.partitions()); // beyond the run's routed takes
        this.ballastRouting = routingIn(partition, 0, run.config.partitions());
        this.bulk = Spaces.connect(run.cluster.uri(run.config.clientOptions() + "&" + IMPATIENT));
        this.lax = Spaces.connect(run.cluster.uri(run.config.clientOptions() + "&" + LAX_LIMITS));
        this.ballastWriter = run.connect();
        this.ballastReader = run.connect();
    }

    /** The smallest routing value from {@code from} on that lands in {@code partition}. */
    static int routingIn(int partition, int from, int partitions) {
        int r = from;
        while (Partitioning.partitionOf(r, partitions) != partition) {
            r++;
        }
        return r;
    }

    /** Payload of an item just below the entry limit: with its other fields, its encoded values stay under it. */
    static int belowPayload(int entryBytes) {
        return entryBytes - 256;
    }

    /** Payload of an item just above the entry limit: the payload alone fits, with its other fields it does not. */
    static int abovePayload(int entryBytes) {
        return entryBytes;
    }

    /** The partition all of it goes to. */
    int partition() {
        return partition;
    }

    @Override
    public void start() {
        threads.add(new Thread(this::bulk, "oversized-bulk"));
        threads.add(new Thread(this::ballast, "oversized-ballast-writer"));
        threads.add(new Thread(this::reads, "oversized-ballast-reader"));
        threads.forEach(t -> {
            t.setDaemon(true);
            t.start();
        });
    }

    @Override
    public boolean running() {
        return !stop.get() && !threads.isEmpty() && threads.stream().allMatch(Thread::isAlive);
    }

    @Override
    public void stop(Duration timeout) throws InterruptedException {
        stop.set(true);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                throw new AssertionError("load thread " + t.getName() + " did not finish within " + timeout);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (!stop.get()) {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
        for (Space s : List.of(bulk, lax, ballastWriter, ballastReader)) {
            s.close();
        }
    }

    // ================================================================ for the schedule

    /** Whether the bulk thread's takeMultiple is in flight now. */
    boolean taking() {
        return takeInFlightSince != 0;
    }

    long bulkTakes() {
        return bulkTakes.get();
    }

    long bulkTakesOverFrame() {
        return bulkTakesOverFrame.get();
    }

    long readsOverFrame() {
        return paged.readsOver(frameBytes);
    }

    /** The fault of the run starts now: a take in flight (or starting) from now until it ends is counted as across it. */
    void faultNow() {
        faultNanos = System.nanoTime();
    }

    /**
     * Its checks after the load stopped: the paged reads and the final ballast (read with a fresh
     * client of the run), failures no row of {@link Outcomes} explains, and that it did what it is
     * for — writes refused by the client and by a node, reads and takes larger than a frame.
     */
    void verify(ChaosRun run, Verdict verdict) {
        List<Ballast> remaining;
        try (Space reader = run.connect()) {
            remaining = reader.readMultiple(Query.all(Ballast.class), Integer.MAX_VALUE);
        } catch (RuntimeException e) {
            verdict.add(Verdict.Kind.OTHER, "the final ballast could not be read: " + e);
            return;
        }
        verdict.addAll(paged.check(remaining));
        for (String u : unlisted) {
            verdict.add(Verdict.Kind.OTHER, "a call failed with an exception no row of the outcomes table names: " + u);
        }
        require(verdict, refusedByClient.get(), "writes just over the entry limit refused by the client");
        require(verdict, refusedByNode.get(), "writes over the nodes' entry limit refused by a node");
        require(verdict, bulkTakesOverFrame.get(), "takeMultiple answers larger than a frame");
        require(verdict, readsOverFrame(), "readMultiple answers larger than a frame");
    }

    private static void require(Verdict verdict, long n, String what) {
        if (n == 0) {
            verdict.add(Verdict.Kind.OTHER, "the oversized load made no " + what + ": it tested nothing there");
        }
    }

    @Override
    public String summary() {
        return String.format("partition %d: %d items of %d bytes acknowledged; over the limit %d refused by the client, %d by a node,"
                        + " %d unknown, slowest refusal %d ms; %d takeMultiple took %d (%d answers over a frame, largest %d bytes, %d failed,"
                        + " %d across the fault); %s; %d failures no outcome row names",
                partition, belowAcknowledged.get(), belowPayload(entryBytes), refusedByClient.get(), refusedByNode.get(), laxUnknown.get(),
                TimeUnit.NANOSECONDS.toMillis(slowestRefusalNanos.get()), bulkTakes.get(), bulkTaken.get(), bulkTakesOverFrame.get(),
                largestTake.get(), failedTakes.get(), takesAcrossFault.get(), paged.summary(), unlisted.size());
    }

    // ================================================================ the threads

    private void bulk() {
        int seq = 0;
        int laxSeq = 0;
        while (!stop.get()) {
            for (int k = 0; k < BULK_BATCH && !stop.get(); k++) {
                writeBelow(Item.sized(BULK_WRITER, seq++, bulkRouting, belowPayload(entryBytes)));
                if (k == 2) {
                    writeAbove(bulk, Item.sized(BULK_WRITER, seq++, bulkRouting, abovePayload(entryBytes)), false);
                } else if (k == 5) {
                    writeAbove(lax, Item.sized(LAX_WRITER, laxSeq++, bulkRouting, abovePayload(entryBytes)), true);
                }
            }
            if (!stop.get()) {
                takeBulk();
            }
            pause(BULK_PAUSE_MILLIS);
        }
    }

    private void writeBelow(Item item) {
        history.attempt(item);
        try {
            UnknownOutcomes.resolve(() -> bulk.write(item, Lease.FOREVER, WriteMode.WRITE_ONLY), RESENDS);
            history.acknowledged(item);
            belowAcknowledged.incrementAndGet();
        } catch (EntryAlreadyExistsException e) {
            history.anomaly("write of fresh id " + item.id() + " was refused as a duplicate: " + e.getMessage());
            history.maybe(item, e);
        } catch (RuntimeException e) {
            failed("write of " + item, e);
            history.maybe(item, e);
        }
    }

    /**
     * A write over the nodes' entry limit: refused at once with {@link SizeLimitExceededException} —
     * by this client ({@code byNode} false: its limits are the nodes'), or by the node that received it
     * (the lax client, whose limits are larger). Through the lax client a fault may leave it unknown
     * (its request was sent); nothing else is right, and no outcome may apply it.
     */
    private void writeAbove(Space space, Item item, boolean byNode) {
        history.attempt(item);
        history.overLimit(item);
        long start = System.nanoTime();
        try {
            space.write(item, Lease.FOREVER, WriteMode.WRITE_ONLY);
            history.acknowledged(item);
            history.anomaly("a write of " + item + ", over the entry limit of " + entryBytes + " bytes, was acknowledged");
        } catch (SizeLimitExceededException e) {
            long took = System.nanoTime() - start;
            slowestRefusalNanos.accumulateAndGet(took, Math::max);
            history.maybe(item, e);
            String by = byNode ? "node n" : "this client's";
            if (!String.valueOf(e.getMessage()).contains(by)) {
                history.anomaly("the write of " + item + " was refused, but not by " + (byNode ? "a node" : "the client") + ": " + e.getMessage());
            } else if (byNode) {
                refusedByNode.incrementAndGet();
            } else {
                refusedByClient.incrementAndGet();
            }
            if (took > REFUSED_AT_ONCE.toNanos()) {
                history.anomaly("the write of " + item + " was refused only after " + TimeUnit.NANOSECONDS.toMillis(took) + " ms (retried?): "
                        + e.getMessage());
            }
        } catch (RuntimeException e) {
            history.maybe(item, e);
            if (byNode && Outcomes.of(e) == Outcomes.Meaning.UNKNOWN && Outcomes.isListed(e)) {
                laxUnknown.incrementAndGet();
            } else {
                history.anomaly("the write of " + item + ", over the entry limit, failed with " + e + " instead of SizeLimitExceededException");
            }
        }
    }

    private void takeBulk() {
        int max = 2 * BULK_BATCH;
        String kind = "takeMultiple(routing = " + bulkRouting + ", " + max + ")";
        long start = System.nanoTime();
        takeInFlightSince = start;
        try {
            List<Item> got = UnknownOutcomes.resolve(() -> bulk.takeMultiple(Query.of(Item.class, "routing = ?", bulkRouting), max), RESENDS);
            history.tookItems(BULK_WRITER, kind, got, max, start);
            long bytes = got.stream().mapToLong(Item::payloadSize).sum();
            bulkTakes.incrementAndGet();
            bulkTaken.addAndGet(got.size());
            largestTake.accumulateAndGet(bytes, Math::max);
            if (bytes > frameBytes) {
                bulkTakesOverFrame.incrementAndGet();
            }
        } catch (RuntimeException e) {
            failed(kind, e);
            history.takeUnknown(BULK_WRITER, kind, max, start, e);
            failedTakes.incrementAndGet();
        } finally {
            long f = faultNanos;
            if (f != 0 && f - start >= 0) { // the take was in flight when the fault began (it ended after: now)
                takesAcrossFault.incrementAndGet();
            }
            takeInFlightSince = 0;
        }
    }

    private void ballast() {
        Deque<String> kept = new ArrayDeque<>();
        int seq = 0;
        while (!stop.get()) {
            Ballast b = Ballast.of(seq++, ballastRouting, BALLAST_PAYLOAD);
            long start = System.nanoTime();
            try {
                UnknownOutcomes.resolve(() -> ballastWriter.write(b, Lease.FOREVER, WriteMode.WRITE_ONLY), RESENDS);
                paged.written(b, BALLAST_PAYLOAD, start, System.nanoTime());
                kept.addLast(b.id());
            } catch (RuntimeException e) {
                failed("write of " + b, e);
                paged.writeFailed(b, BALLAST_PAYLOAD, start, System.nanoTime(), e);
                if (Outcomes.of(e) != Outcomes.Meaning.NOT_APPLIED) {
                    kept.addLast(b.id()); // may be there: it is taken like the others
                }
            }
            while (kept.size() > BALLAST_KEPT && !stop.get()) {
                String id = kept.peekFirst();
                long t = System.nanoTime();
                try {
                    Ballast got = UnknownOutcomes.resolve(() -> ballastWriter.takeById(Ballast.class, id, ballastRouting), RESENDS);
                    paged.removed(id, t, System.nanoTime(), got);
                    kept.removeFirst();
                } catch (RuntimeException e) {
                    failed("take by id of " + id, e);
                    paged.removeFailed(id, t, System.nanoTime(), e);
                    break; // again after the next write
                }
            }
            pause(BALLAST_PAUSE_MILLIS);
        }
    }

    private void reads() {
        Query<Ballast> all = Query.of(Ballast.class, "routing = ?", ballastRouting);
        while (!stop.get()) {
            long start = System.nanoTime();
            try {
                List<Ballast> got = ballastReader.readMultiple(all, Integer.MAX_VALUE);
                paged.read("the ballast reader", start, System.nanoTime(), got);
            } catch (RuntimeException e) {
                paged.failedReads.incrementAndGet(); // a read has no effect: retried next round
            }
            pause(READ_PAUSE_MILLIS);
        }
    }

    /** A mutation failed with {@code e}: noted if no row of the outcomes table names it (then its caller cannot know what happened). */
    private void failed(String what, RuntimeException e) {
        if (!Outcomes.isListed(e)) {
            unlisted.add(what + ": " + e);
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.set(true);
        }
    }
}
