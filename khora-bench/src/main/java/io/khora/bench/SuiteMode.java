package io.khora.bench;

import java.time.Duration;

/**
 * How much a run measures. {@link #FULL} produces the committed figures (about 20 minutes on 2
 * cores, up to 25 when other work on the machine forces re-measurements); {@link #SMOKE} runs
 * every benchmark for a token time (about 45 s) to prove the harness works, and writes under
 * {@code khora-bench/target/} instead of {@code docs/}.
 *
 * @param jmhForks JMH forks per benchmark (0 = in this JVM)
 * @param warmupIterations JMH warm-up iterations
 * @param warmupTime length of one warm-up iteration
 * @param measurementIterations JMH measured iterations
 * @param measurementTime length of one measured iteration
 * @param entries entries pre-filled for the local-operation benchmarks
 * @param handOffWarmup hand-offs before the measured ones
 * @param handOffCount measured hand-offs
 * @param memoryEntries entries per memory probe
 * @param persistenceRows rows in PostgreSQL that every initial load reads
 * @param persistenceWrites rows every writer (JDBC batch insert, COPY, Khora write-behind) writes
 * @param persistenceRounds interleaved timed rounds per persistence mechanism (the fastest is reported)
 */
public record SuiteMode(String name, int jmhForks, int warmupIterations, Duration warmupTime, int measurementIterations,
                        Duration measurementTime, int entries, int handOffWarmup, int handOffCount, int memoryEntries,
                        int persistenceRows, int persistenceWrites, int persistenceRounds) {

    /** The committed figures. */
    public static final SuiteMode FULL = new SuiteMode("full", 1, 5, Duration.ofSeconds(1), 10, Duration.ofMillis(500),
            100_000, 10_000, 50_000, 1_000_000, 1_000_000, 200_000, 8);

    /** A proof that the harness still works: every benchmark, token amounts. */
    public static final SuiteMode SMOKE = new SuiteMode("smoke", 0, 0, Duration.ofMillis(20), 1, Duration.ofMillis(60),
            5_000, 200, 1_000, 20_000, 20_000, 5_000, 1);

    /** Whether this run's figures are the committed ones. */
    public boolean isFull() {
        return this == FULL;
    }

    /** The mode named {@code arg}. */
    public static SuiteMode parse(String arg) {
        return switch (arg) {
            case "full" -> FULL;
            case "smoke" -> SMOKE;
            default -> throw new IllegalArgumentException("unknown mode '" + arg + "': use full or smoke");
        };
    }
}
