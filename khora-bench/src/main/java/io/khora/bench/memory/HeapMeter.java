package io.khora.bench.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Live heap after full collections, as {@link MemoryMXBean} reports it. */
final class HeapMeter {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private HeapMeter() {
    }

    /**
     * Collects until the used heap is stable (two readings within 64 KiB, at least three
     * collections) and returns it in bytes.
     */
    static long usedAfterGc() throws InterruptedException {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            System.gc();
            Thread.sleep(50);
            long used = MEMORY.getHeapMemoryUsage().getUsed();
            if (i >= 2 && Math.abs(used - previous) < 64 * 1024) {
                return used;
            }
            previous = used;
        }
        return previous;
    }
}
