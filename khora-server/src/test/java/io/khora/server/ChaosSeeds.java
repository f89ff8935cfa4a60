package io.khora.server;

import java.util.Arrays;
import java.util.stream.LongStream;

/**
 * The seeds of the chaos runs, from system properties: {@code -Dchaos.seeds=1,2,3} (those seeds),
 * else {@code -Dchaos.runs=N} (seeds 1..N); by default one run (seed 1), what CI runs. With Maven:
 * {@code mvn -B -ntp -pl khora-server -am verify -Dit.test=ChaosIT -Dchaos.runs=10 -Dtest=NONE
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
final class ChaosSeeds {
    static final String SEEDS = "chaos.seeds";
    static final String RUNS = "chaos.runs";
    /**
     * {@code -Dchaos.security=off}: the nodes run on plain TCP without authentication. On by default:
     * the nodes run secured (TLS between them, TLS and SCRAM for the clients), as a node does by
     * default. (CI ran the schedules on plain TCP while a Raft group's views could stay split under
     * TLS — 2 of 35 secured runs; {@code SplitViewWatchdog} heals that since, and 27 secured runs
     * over seeds 5–9 were clean.)
     */
    static final String SECURITY = "chaos.security";

    /** Whether the chaos runs' nodes run secured ({@link #SECURITY}). */
    static boolean secured() {
        return !"off".equals(System.getProperty(SECURITY, "on"));
    }

    private ChaosSeeds() {
    }

    static LongStream seeds() {
        return parse(System.getProperty(SEEDS), System.getProperty(RUNS));
    }

    /** {@code seeds} ("1,2,3") if given, else 1..{@code runs}, else 1. */
    static LongStream parse(String seeds, String runs) {
        if (seeds != null && !seeds.isBlank()) {
            return Arrays.stream(seeds.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(s -> {
                try {
                    return Long.parseLong(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(SEEDS + " must be a comma-separated list of integers, got '" + seeds + "'");
                }
            });
        }
        if (runs != null && !runs.isBlank()) {
            int n;
            try {
                n = Integer.parseInt(runs.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(RUNS + " must be a positive integer, got '" + runs + "'");
            }
            if (n < 1) {
                throw new IllegalArgumentException(RUNS + " must be a positive integer, got '" + runs + "'");
            }
            return LongStream.rangeClosed(1, n);
        }
        return LongStream.of(1);
    }
}
