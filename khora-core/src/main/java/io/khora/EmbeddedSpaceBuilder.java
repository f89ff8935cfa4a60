package io.khora;

import io.khora.document.SpaceDocumentType;
import io.khora.internal.local.LocalSpace;
import io.khora.internal.local.LocalSpaceConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Configures and starts an embedded space. Every setter validates its argument at once and says
 * what was wrong; {@link #start()} returns a READY space.
 */
public final class EmbeddedSpaceBuilder {
    private final String name;
    private int partitions = 1;
    private Duration spaceWait = Duration.ofSeconds(30);
    private Duration leaseSweepInterval = Duration.ofMillis(100);
    private Ticker ticker = Ticker.system();
    private Scheduler scheduler;
    private ExecutorService eventExecutor;
    private int eventQueueCapacity = 100_000;
    private final List<SpaceDocumentType> documentTypes = new ArrayList<>();

    EmbeddedSpaceBuilder(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("space name must not be null or blank");
        }
        this.name = name;
    }

    /** Number of partitions (default 1); entries are spread by routing value. */
    public EmbeddedSpaceBuilder partitions(int n) {
        if (n < 1 || n > 4096) {
            throw new IllegalArgumentException("partitions must be in 1..4096, got " + n);
        }
        this.partitions = n;
        return this;
    }

    /** How long an operation waits for the space to be READY before failing (default 30 s; zero = fail at once). */
    public EmbeddedSpaceBuilder spaceWait(Duration wait) {
        Objects.requireNonNull(wait, "space wait");
        if (wait.isNegative()) {
            throw new IllegalArgumentException("space wait must not be negative, got " + wait);
        }
        this.spaceWait = wait;
        return this;
    }

    /** How often expired entries are swept in the background (default 100 ms). */
    public EmbeddedSpaceBuilder leaseSweepInterval(Duration interval) {
        Objects.requireNonNull(interval, "lease sweep interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("lease sweep interval must be positive, got " + interval);
        }
        this.leaseSweepInterval = interval;
        return this;
    }

    /** The time source for leases (default: monotonic system time). */
    public EmbeddedSpaceBuilder ticker(Ticker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        return this;
    }

    /** The timer for waits and sweeps (default: one daemon thread owned by the space). */
    public EmbeddedSpaceBuilder scheduler(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        return this;
    }

    /** The executor for event and state-listener delivery (default: daemon threads owned by the space). */
    public EmbeddedSpaceBuilder eventExecutor(ExecutorService executor) {
        this.eventExecutor = Objects.requireNonNull(executor, "event executor");
        return this;
    }

    /** Events a subscription may have pending before it is terminated (default 100,000). */
    public EmbeddedSpaceBuilder eventQueueCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("event queue capacity must be at least 1, got " + capacity);
        }
        this.eventQueueCapacity = capacity;
        return this;
    }

    /** Registers a document type at start. */
    public EmbeddedSpaceBuilder registerType(SpaceDocumentType type) {
        documentTypes.add(Objects.requireNonNull(type, "document type"));
        return this;
    }

    /** Starts the space; it is READY when this returns. */
    public Space start() {
        boolean ownsScheduler = scheduler == null;
        Scheduler s = ownsScheduler ? Scheduler.daemon("khora-" + name + "-timer") : scheduler;
        boolean ownsExecutor = eventExecutor == null;
        ExecutorService ex = ownsExecutor ? Executors.newCachedThreadPool(daemonFactory("khora-" + name + "-events-")) : eventExecutor;
        LocalSpaceConfig config = new LocalSpaceConfig(name, partitions, spaceWait, leaseSweepInterval, ticker, s, ownsScheduler,
                ex, ownsExecutor, eventQueueCapacity, List.copyOf(documentTypes));
        return new LocalSpace(config).start();
    }

    private static java.util.concurrent.ThreadFactory daemonFactory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
