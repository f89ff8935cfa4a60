package io.khora.bench.family;

import java.util.List;

/**
 * The families the issue asks for that cannot be measured yet, with the reason. The report lists
 * those whose id no loaded {@link BenchmarkFamily} has; when a family lands, its class takes the
 * id and the line disappears from the report by itself.
 */
public final class Roadmap {
    /**
     * A family on the roadmap.
     *
     * @param id the id its {@link BenchmarkFamily} will have
     * @param what what it will measure
     * @param why why it is not measured yet
     */
    public record Pending(String id, String what, String why) {
    }

    /** The families of the issue not measured yet. */
    public static final List<Pending> PENDING = List.of(); // every family of the issue is measured now

    private Roadmap() {
    }
}
