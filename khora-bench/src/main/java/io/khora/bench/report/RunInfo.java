package io.khora.bench.report;

import java.util.List;

/**
 * Which run measured a section of the report: each family section carries a line saying so, so a
 * page that merges sections of several runs (a run of selected families keeps the others) says
 * where each figure came from.
 *
 * @param mode "full" or "smoke"
 * @param date when the run started
 * @param revision the git revision measured
 * @param duration how long the run took
 * @param load the 1-minute load average during the run, in words
 * @param families the ids of the families the run measured
 */
public record RunInfo(String mode, String date, String revision, String duration, String load, List<String> families) {

    /** The line at the top of a section this run measured (Markdown, italic). */
    public String line() {
        return "*Measured by the " + mode + " run of " + date + " (revision " + revision + ", " + duration + " for "
                + String.join(", ", families) + "; 1-minute load average " + load + ").*";
    }
}
