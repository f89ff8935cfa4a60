package io.khora.micrometer;

import io.khora.metrics.MeterRegistrar;
import io.khora.metrics.MeterSource;
import io.khora.metrics.MetricsListener;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * Khora's meters in Micrometer: a {@link MeterBinder} over the {@link MeterSource}s it is given (a
 * node, a mirror) and a {@link MetricsListener} to hand to Khora (a node, an embedded space, a
 * client), which turns its events into timers and counters.
 *
 * <pre>{@code
 * KhoraMeterBinder khora = new KhoraMeterBinder();
 * khora.bindTo(registry);                          // any MeterRegistry, as often as you like
 * Space space = Spaces.embedded("orders").metrics(khora).build();
 * }</pre>
 *
 * <p>Meters (Prometheus renders dots as underscores and adds {@code _seconds}, {@code _total}):
 * <ul>
 * <li>{@value #OPERATION} — a timer per space, operation and outcome;</li>
 * <li>{@value #CLIENT_RETRIES} — a client's extra attempts, per space; {@value #CLIENT_CALLS} — its
 * calls per space and outcome ({@code ok}, {@code unknown}, {@code failed});</li>
 * <li>{@value #INITIAL_LOAD_ROWS} and {@value #INITIAL_LOAD_RATE} — rows loaded, and the last load's
 * rows per second, per space and partition;</li>
 * <li>whatever the sources declare (see {@code KhoraNode.meters()} and {@code ClusterMirror.meters()}).</li>
 * </ul>
 *
 * <p>Meters are kept in one {@link CompositeMeterRegistry}; {@link #bindTo} adds a registry to it, so
 * a meter created before a registry was bound appears in it too.
 */
public final class KhoraMeterBinder implements MeterBinder, MetricsListener {
    /** The operation timer's name. */
    public static final String OPERATION = "khora.operation";
    /** The client retry counter's name. */
    public static final String CLIENT_RETRIES = "khora.client.retries";
    /** The client call counter's name. */
    public static final String CLIENT_CALLS = "khora.client.calls";
    /** The initial load row counter's name. */
    public static final String INITIAL_LOAD_ROWS = "khora.initial.load.rows";
    /** The initial load rate gauge's name. */
    public static final String INITIAL_LOAD_RATE = "khora.initial.load.rows.per.second";

    private final CompositeMeterRegistry meters = new CompositeMeterRegistry();
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<List<String>, AtomicLong> loadRates = new ConcurrentHashMap<>();
    /** The sources' functions: Micrometer holds function counters weakly. */
    private final List<DoubleSupplier> held = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param sources what to sample (a node, a mirror); none for an embedded space or a client
     */
    public KhoraMeterBinder(MeterSource... sources) {
        for (MeterSource s : sources) {
            Objects.requireNonNull(s, "a meter source is null").declareTo(new Registrar());
        }
    }

    /** Adds a source's meters (a node started after this binder). */
    public KhoraMeterBinder add(MeterSource source) {
        Objects.requireNonNull(source, "source").declareTo(new Registrar());
        return this;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        meters.add(Objects.requireNonNull(registry, "registry"));
    }

    @Override
    public void operation(String space, String operation, String outcome, long nanos) {
        timers.computeIfAbsent(List.of(space, operation, outcome), k -> Timer.builder(OPERATION)
                .description("operations served, by space, operation and outcome")
                .tags("space", space, "operation", operation, "outcome", outcome).register(meters))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void clientRetry(String space) {
        counter(CLIENT_RETRIES, "a client's extra attempts of its calls (fail-over, lost connection, no leader)", space, null).increment();
    }

    @Override
    public void clientOutcome(String space, String outcome) {
        counter(CLIENT_CALLS, "a client's calls, by outcome: ok, unknown (maybe applied), failed", space, outcome).increment();
    }

    @Override
    public void initialLoad(String space, int partition, long rows, long nanos) {
        String p = Integer.toString(partition);
        counters.computeIfAbsent(List.of(INITIAL_LOAD_ROWS, space, p), k -> Counter.builder(INITIAL_LOAD_ROWS)
                .description("rows the initial load read into the space").tags("space", space, "partition", p).register(meters))
                .increment(rows);
        long perSecond = nanos <= 0 ? rows : Math.round(rows * 1e9 / nanos);
        loadRates.computeIfAbsent(List.of(space, p), k -> {
            AtomicLong rate = new AtomicLong();
            Gauge.builder(INITIAL_LOAD_RATE, rate, AtomicLong::get).description("the last initial load's rows per second")
                    .tags("space", space, "partition", p).strongReference(true).register(meters);
            return rate;
        }).set(perSecond);
    }

    private Counter counter(String name, String description, String space, String outcome) {
        List<String> key = outcome == null ? List.of(name, space) : List.of(name, space, outcome);
        return counters.computeIfAbsent(key, k -> {
            Tags tags = outcome == null ? Tags.of("space", space) : Tags.of("space", space, "outcome", outcome);
            return Counter.builder(name).description(description).tags(tags).register(meters);
        });
    }

    /** Declares a source's gauges and counters on the composite. */
    private final class Registrar implements MeterRegistrar {
        @Override
        public void gauge(String name, String description, Map<String, String> tags, DoubleSupplier value) {
            Gauge.builder(name, value, DoubleSupplier::getAsDouble).description(description).tags(tags(tags)).strongReference(true)
                    .register(meters);
        }

        @Override
        public void counter(String name, String description, Map<String, String> tags, DoubleSupplier total) {
            held.add(total);
            FunctionCounter.builder(name, total, DoubleSupplier::getAsDouble).description(description).tags(tags(tags))
                    .register(meters);
        }

        private Tags tags(Map<String, String> tags) {
            Tags t = Tags.empty();
            for (Map.Entry<String, String> e : tags.entrySet()) {
                t = t.and(e.getKey(), e.getValue());
            }
            return t;
        }
    }
}
