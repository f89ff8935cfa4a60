package io.khora.keyed;

import io.khora.Space;
import io.khora.Spaces;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates and keeps {@link KeyedSpace}s by name (seed 003). Asking twice for the same name answers
 * the same space. Closing the accessor closes its spaces.
 *
 * <pre>{@code
 * try (Accessor accessor = Accessor.create()) {
 *     KeyedSpace orders = accessor.spaceFor("orders", 4);
 *     orders.put(Key.of("o-1"), Item.of(order, Lease.of(Duration.ofMinutes(5))));
 *     Optional<KeyItem<Order>> o = orders.<Order>get(Key.of("o-1"), Period.NONE).join();
 * }
 * }</pre>
 */
public final class Accessor implements AutoCloseable {
    /** The default scan interval: how often expired items are swept. */
    public static final Duration DEFAULT_SCAN_INTERVAL = Duration.ofMillis(100);

    private final Map<String, LocalKeyedSpace> spaces = new ConcurrentHashMap<>();

    private Accessor() {
    }

    /** A new accessor. */
    public static Accessor create() {
        return new Accessor();
    }

    /** A local keyed space with one partition. */
    public KeyedSpace spaceFor(String name) {
        return spaceFor(name, 1);
    }

    /** A local keyed space with {@code partitions} partitions. */
    public KeyedSpace spaceFor(String name, int partitions) {
        return spaceFor(name, partitions, DEFAULT_SCAN_INTERVAL);
    }

    /**
     * A local keyed space with {@code partitions} partitions whose expired items are swept every
     * {@code scanInterval}. Unlike XOOM's scanner, the interval only bounds how late an EXPIRE is
     * noticed in the background: gets and takes are woken by puts, and an expired item is never
     * answered whatever the interval.
     *
     * @throws IllegalArgumentException if the name exists with another partition count
     */
    public KeyedSpace spaceFor(String name, int partitions, Duration scanInterval) {
        Objects.requireNonNull(scanInterval, "scan interval");
        LocalKeyedSpace s = spaces.computeIfAbsent(name, n -> {
            Space space = Spaces.embedded(n).partitions(partitions).leaseSweepInterval(scanInterval)
                    .registerType(LocalKeyedSpace.ITEM_TYPE).start();
            return new LocalKeyedSpace(space, partitions, () -> spaces.remove(n));
        });
        if (s.partitions() != partitions) {
            throw new IllegalArgumentException("keyed space '" + name + "' exists with " + s.partitions()
                    + " partitions, not " + partitions);
        }
        return s;
    }

    /** Closes every space this accessor created. */
    @Override
    public void close() {
        for (LocalKeyedSpace s : spaces.values()) {
            s.close();
        }
        spaces.clear();
    }
}
