package io.khora.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.stream.Stream;

/**
 * What the figures were measured on, for the report.
 *
 * @param cores available processors
 * @param cpu CPU model, or "unknown"
 * @param memoryGiB physical memory in GiB
 * @param jdk JVM name and version
 * @param os operating system, version and architecture
 * @param date when the run started
 */
public record Machine(int cores, String cpu, double memoryGiB, String jdk, String os, String date) {

    /** This machine, now. */
    public static Machine detect() {
        long bytes = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(), bytes / (double) (1L << 30),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")));
    }

    private static String cpuModel() {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) {
            return "unknown";
        }
        try (Stream<String> lines = Files.lines(info)) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
