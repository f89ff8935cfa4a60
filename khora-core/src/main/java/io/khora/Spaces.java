package io.khora;

/**
 * The entry point: {@code Spaces.embedded("trades").partitions(4).start()} gives an in-process
 * {@link Space}; {@code Spaces.connect("khora://host:port/trades")} one on a cluster.
 *
 * <pre>{@code
 * try (Space space = Spaces.embedded("demo").partitions(4).start()) {
 *     space.write(new Trade("t1", "ACME", 10.5));
 *     Trade t = space.take(Query.of(Trade.class, "symbol = ?", "ACME"), Period.of(Duration.ofSeconds(1)));
 * }
 * }</pre>
 */
public final class Spaces {
    static {
        io.khora.internal.logging.QuietSlf4j.install(); // before anything logs: no SLF4J warning without a backend
    }

    private Spaces() {
    }

    /** A builder for an embedded space named {@code name}. */
    public static EmbeddedSpaceBuilder embedded(String name) {
        return new EmbeddedSpaceBuilder(name);
    }

    /**
     * A space on a cluster of Khora server nodes, the same {@link Space} API as an embedded one.
     *
     * <pre>{@code
     * try (Space orders = Spaces.connect("khora://10.0.0.1:7701,10.0.0.2:7701/orders")) { … }
     * }</pre>
     *
     * The URI lists one or more nodes to start from (the client learns the rest) and the space;
     * options follow as a query string, e.g. {@code ?timeout=30s&replication=all} (see the
     * khora-cluster client for the list). Needs {@code io.khora:khora-cluster} on the class path.
     *
     * @throws IllegalArgumentException if the URI is malformed (the message says where)
     * @throws SpaceException if no listed node can be reached
     */
    public static Space connect(String uri) {
        java.util.Objects.requireNonNull(uri, "uri");
        for (io.khora.internal.router.SpaceConnector c : java.util.ServiceLoader.load(io.khora.internal.router.SpaceConnector.class,
                Spaces.class.getClassLoader())) {
            if (c.accepts(uri)) {
                return c.connect(uri);
            }
        }
        throw new IllegalStateException("no connector for '" + uri + "': add io.khora:khora-cluster to the class path for khora:// URIs");
    }
}
