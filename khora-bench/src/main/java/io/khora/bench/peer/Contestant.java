package io.khora.bench.peer;

import com.hazelcast.config.InMemoryFormat;

/**
 * Who runs a benchmark: Khora, one of its peers, or the physical limit. The {@link #key()} is the
 * value of the JMH {@code contestant} parameter.
 */
public enum Contestant {
    /** Khora, embedded, {@link KhoraSpaces#PARTITIONS} partitions. */
    KHORA("khora", "Khora"),
    /** {@code java.util.concurrent.ConcurrentHashMap}: the limit for by-id operations. */
    CHM("chm", "ConcurrentHashMap (limit)"),
    /** A {@code ConcurrentHashMap} by id plus hand-made JDK index maps: the limit for indexed operations. */
    JDK_INDEX("jdk-index", "JDK maps as indexes (limit)"),
    /** Embedded Hazelcast {@code IMap}, in-memory format BINARY (its default). */
    HZ_BINARY("hz-binary", "Hazelcast BINARY"),
    /** Embedded Hazelcast {@code IMap}, in-memory format OBJECT. */
    HZ_OBJECT("hz-object", "Hazelcast OBJECT");

    private final String key;
    private final String label;

    Contestant(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The JMH parameter value. */
    public String key() {
        return key;
    }

    /** The name shown in tables and charts. */
    public String label() {
        return label;
    }

    /** Whether this is the physical limit rather than a product. */
    public boolean isLimit() {
        return this == CHM || this == JDK_INDEX;
    }

    /** The Hazelcast in-memory format of a Hazelcast contestant. */
    public InMemoryFormat format() {
        return switch (this) {
            case HZ_BINARY -> InMemoryFormat.BINARY;
            case HZ_OBJECT -> InMemoryFormat.OBJECT;
            default -> throw new IllegalStateException(this + " is not a Hazelcast contestant");
        };
    }

    /** The contestant with {@code key}. */
    public static Contestant of(String key) {
        for (Contestant c : values()) {
            if (c.key.equals(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown contestant '" + key + "'");
    }
}
