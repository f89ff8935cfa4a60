package io.khora.bench.peer;

import io.khora.Space;
import io.khora.Spaces;

/** Starts the embedded Khora space every benchmark uses, with one fixed configuration. */
public final class KhoraSpaces {
    /** Partitions of the benchmarked space (as in README's example). */
    public static final int PARTITIONS = 4;

    private KhoraSpaces() {
    }

    /** A READY embedded space named {@code name}. */
    public static Space start(String name) {
        return Spaces.embedded(name).partitions(PARTITIONS).start();
    }
}
