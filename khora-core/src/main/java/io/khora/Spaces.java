package io.khora;

/**
 * The entry point: {@code Spaces.embedded("trades").partitions(4).start()} gives an in-process
 * {@link Space}.
 *
 * <pre>{@code
 * try (Space space = Spaces.embedded("demo").partitions(4).start()) {
 *     space.write(new Trade("t1", "ACME", 10.5));
 *     Trade t = space.take(Query.of(Trade.class, "symbol = ?", "ACME"), Period.of(Duration.ofSeconds(1)));
 * }
 * }</pre>
 */
public final class Spaces {
    private Spaces() {
    }

    /** A builder for an embedded space named {@code name}. */
    public static EmbeddedSpaceBuilder embedded(String name) {
        return new EmbeddedSpaceBuilder(name);
    }
}
