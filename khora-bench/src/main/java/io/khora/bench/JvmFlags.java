package io.khora.bench;

import java.util.ArrayList;
import java.util.List;

/** JVM options of every measuring JVM (JMH forks and probes), the same for every contestant. */
public final class JvmFlags {
    /**
     * The module openings Hazelcast asks for on Java 17 (without them it falls back to slower
     * paths and warns); harmless for the other contestants.
     */
    public static final List<String> HAZELCAST_OPENS = List.of(
            "--add-modules", "java.se",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

    private JvmFlags() {
    }

    /** Options for a JVM with a fixed heap of {@code heap} (e.g. "2g"), plus {@code extra}. */
    public static List<String> withHeap(String heap, String... extra) {
        List<String> flags = new ArrayList<>();
        flags.add("-Xms" + heap);
        flags.add("-Xmx" + heap);
        flags.add("-Djava.awt.headless=true");
        flags.addAll(HAZELCAST_OPENS);
        flags.addAll(List.of(extra));
        return flags;
    }
}
