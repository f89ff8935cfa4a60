package io.khora.bench.persistence;

/** Checks shared by the mechanisms: a round that moved the wrong number of rows fails the run, it is not reported. */
final class Rounds {
    private Rounds() {
    }

    /** Fails unless {@code actual == expected}. */
    static void check(String what, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalStateException(what + " moved " + actual + " rows, expected " + expected);
        }
    }
}
