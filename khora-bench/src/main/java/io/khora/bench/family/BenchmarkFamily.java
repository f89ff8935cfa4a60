package io.khora.bench.family;

import io.khora.bench.SuiteSettings;

/**
 * One family of figures (local operations, hand-off latency, memory; later persistence and
 * cluster). Families are found with {@link java.util.ServiceLoader}: a new family is a new class
 * listed in {@code META-INF/services/io.khora.bench.family.BenchmarkFamily}, and the report picks
 * it up without changes to the others.
 */
public interface BenchmarkFamily {

    /** A short id, used in file names and to tell which {@link Roadmap} families have landed. */
    String id();

    /** Where the family appears in the report (lower first). */
    int order();

    /** Measures and returns the family's section of the report (and writes its chart). */
    FamilyResult run(SuiteSettings settings) throws Exception;
}
