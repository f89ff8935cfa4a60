package io.khora.jcache;

import io.khora.EmbeddedSpaceBuilder;
import io.khora.Scheduler;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.internal.lifecycle.DaemonThreads;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default {@link SpaceFactory}: one embedded space per cache ({@code Spaces.embedded}), all of
 * one cache manager's spaces sharing one timer thread and one event thread pool.
 *
 * <p>Cache manager properties it reads: {@link #PARTITIONS} (default: the number of processors,
 * at most 8) and {@link #LEASE_SWEEP_MILLIS} (how often expired entries are swept and their
 * EXPIRED events published; default 100).
 */
public final class EmbeddedSpaceFactory implements SpaceFactory {
    /** Cache manager property: partitions per cache space. */
    public static final String PARTITIONS = "io.khora.jcache.partitions";
    /** Cache manager property: lease sweep interval in milliseconds. */
    public static final String LEASE_SWEEP_MILLIS = "io.khora.jcache.leaseSweepMillis";

    private static final AtomicInteger FACTORIES = new AtomicInteger();

    private final Scheduler scheduler;
    private final ExecutorService events;

    /** A factory with its own timer thread and event threads (daemons), released by {@link #close()}. */
    public EmbeddedSpaceFactory() {
        int n = FACTORIES.incrementAndGet();
        this.scheduler = Scheduler.daemon("khora-jcache-" + n + "-timer");
        this.events = Executors.newCachedThreadPool(DaemonThreads.numbered("khora-jcache-" + n + "-events-"));
    }

    @Override
    public Space open(CacheSpaceSpec spec) {
        Properties p = spec.properties();
        EmbeddedSpaceBuilder b = Spaces.embedded(spec.spaceName())
                .partitions(intProperty(p, PARTITIONS, Math.min(8, Runtime.getRuntime().availableProcessors())))
                .leaseSweepInterval(Duration.ofMillis(intProperty(p, LEASE_SWEEP_MILLIS, 100)))
                .scheduler(scheduler)
                .eventExecutor(events);
        if (spec.dataSource() != null) {
            b.dataSource(spec.dataSource());
        }
        if (spec.endpoint() != null) {
            b.synchronizationEndpoint(spec.endpoint());
        }
        Space space = b.start();
        // with a data source the space first runs its (empty) initial load
        if (!space.waitForReady(Duration.ofSeconds(30))) {
            space.close();
            throw new IllegalStateException("space '" + spec.spaceName() + "' did not become READY: " + space.state());
        }
        return space;
    }

    private static int intProperty(Properties p, String name, int defaultValue) {
        Object v = p == null ? null : p.get(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            int i = v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
            if (i < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, got " + v);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'", e);
        }
    }

    @Override
    public void close() {
        Scheduler.close(scheduler);
        events.shutdown();
    }
}
