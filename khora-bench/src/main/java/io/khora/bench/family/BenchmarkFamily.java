package io.khora.bench.family;

import io.khora.bench.SuiteSettings;

/**
 * One family of figures (local operations, hand-off latency, memory, persistence; later cluster).
 * Families are found with {@link java.util.ServiceLoader}: a new family is a new class listed in
 * {@code META-INF/services/io.khora.bench.family.BenchmarkFamily}, and the report picks it up
 * without changes to the others.
 */
public interface BenchmarkFamily {

    /** A short id, used in file names and to tell which {@link Roadmap} families have landed. */
    String id();

    /** Where the family appears in the report (lower first). */
    int order();

    /**
     * The heading of the family's section (the same as its {@link FamilyResult#title()}); the
     * report recognises a section written before sections carried their family's marker by it.
     * Defaults to the id.
     */
    default String title() {
        return id();
    }

    /**
     * The targets this family checks, by their {@link TargetCheck#target()} text. Rows of the
     * targets table carry their family's id in a comment; these names recognise the rows of a page
     * written before they did, when a run of other families keeps them.
     */
    default java.util.List<String> targetNames() {
        return java.util.List.of();
    }

    /**
     * A paragraph the report puts above the targets table while this family's section is on the
     * page (e.g. what its cross-check column means), or "" for none.
     */
    default String targetsNote() {
        return "";
    }

    /** Measures and returns the family's section of the report (and writes its chart). */
    FamilyResult run(SuiteSettings settings) throws Exception;
}
