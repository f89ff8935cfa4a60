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

    private final Map<String, DocumentKeyedSpace> spaces = new ConcurrentHashMap<>();
    private final Map<String, DocumentKeyedSpace> distributed = new ConcurrentHashMap<>();
    private final String cluster;

    private Accessor(String cluster) {
        this.cluster = cluster;
    }

    /** A new accessor for local spaces. */
    public static Accessor create() {
        return new Accessor(null);
    }

    /**
     * A new accessor that also reaches the distributed spaces of a Khora cluster.
     *
     * @param cluster the cluster's nodes as a URI without a space, e.g.
     *                {@code khora://10.0.0.1:7701,10.0.0.2:7701} (options may follow: {@code ?timeout=30s})
     */
    public static Accessor create(String cluster) {
        Objects.requireNonNull(cluster, "cluster");
        if (!cluster.startsWith("khora://")) {
            throw new IllegalArgumentException("cluster '" + cluster + "' must be a khora:// URI listing nodes, e.g. khora://127.0.0.1:7701");
        }
        return new Accessor(cluster);
    }

    /**
     * The keyed space {@code name} on the cluster this accessor was created for: a space declared in
     * the cluster's configuration (its partitions and replicas are the cluster's), replicated by
     * Raft on a majority of its replicas before a put or take is acknowledged — never on a fraction
     * below a majority, which could lose acknowledged puts and let two nodes take one item. Item
     * values travel in Khora's wire format: scalars, strings, big numbers, dates, arrays,
     * collections and maps of those.
     *
     * @throws IllegalStateException if the accessor was created without a cluster
     */
    public KeyedSpace distributedSpaceFor(String name) {
        Objects.requireNonNull(name, "name");
        if (cluster == null) {
            throw new IllegalStateException("this accessor knows no cluster: create it with Accessor.create(\"khora://host:port,…\")");
        }
        return distributed.computeIfAbsent(name, n -> {
            int q = cluster.indexOf('?');
            String base = q < 0 ? cluster : cluster.substring(0, q);
            String options = q < 0 ? "" : cluster.substring(q);
            Space space = Spaces.connect((base.endsWith("/") ? base : base + "/") + n + options);
            space.registerType(DocumentKeyedSpace.ITEM_TYPE);
            return new DocumentKeyedSpace(space, space.clusterInfo().numberOfInstances(), () -> distributed.remove(n));
        });
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
        DocumentKeyedSpace s = spaces.computeIfAbsent(name, n -> {
            Space space = Spaces.embedded(n).partitions(partitions).leaseSweepInterval(scanInterval)
                    .registerType(DocumentKeyedSpace.ITEM_TYPE).start();
            return new DocumentKeyedSpace(space, partitions, () -> spaces.remove(n));
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
        for (DocumentKeyedSpace s : spaces.values()) {
            s.close();
        }
        spaces.clear();
        for (DocumentKeyedSpace s : distributed.values()) {
            s.close();
        }
        distributed.clear();
    }
}
