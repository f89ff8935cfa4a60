package io.khora.bench;

import java.nio.file.Path;

/**
 * Everything a benchmark family needs to know about the run.
 *
 * @param mode how much to measure
 * @param root the repository root
 * @param reportFile the Markdown page this run writes
 * @param chartDir where this run writes its PNG charts
 * @param workDir scratch space for raw results (under {@code target/})
 * @param classpath the class path for child JVMs
 * @param machine what the run measures on
 * @param command the command that started the run, for the report
 */
public record SuiteSettings(SuiteMode mode, Path root, Path reportFile, Path chartDir, Path workDir, String classpath, Machine machine,
                            String command) {

    /** The chart's path as the report links it (relative to the report's folder). */
    public String chartLink(String fileName) {
        return reportFile.getParent().relativize(chartDir.resolve(fileName)).toString().replace('\\', '/');
    }
}
