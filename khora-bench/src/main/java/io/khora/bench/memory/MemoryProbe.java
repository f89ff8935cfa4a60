package io.khora.bench.memory;

import io.khora.bench.ChildJvm;
import io.khora.bench.model.TradeData;

import java.lang.ref.Reference;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Child-JVM main: the heap cost per entry of one contestant. Starts the contestant empty,
 * measures the live heap after full GC (the baseline), fills it with {@code n} trades, measures
 * again and prints {@code (after − baseline) / n} as a {@link ChildJvm#RESULT} line. Run in a fresh
 * JVM per contestant (Serial GC, so "used after a full GC" is exactly the live heap).
 *
 * <p>Arguments: contestant, number of entries.
 */
public final class MemoryProbe {
    private MemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        String key = args[0];
        int n = Integer.parseInt(args[1]);
        TradeData.symbol(0);
        try (MemoryContestant c = MemoryContestant.open(key)) {
            long baseline = HeapMeter.usedAfterGc();
            c.fill(n);
            long after = HeapMeter.usedAfterGc();
            int size = c.size();
            Reference.reachabilityFence(c);
            if (size != n) {
                throw new IllegalStateException(key + " holds " + size + " entries, expected " + n);
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("contestant", key);
            r.put("entries", n);
            r.put("baseline", baseline);
            r.put("after", after);
            r.put("bytesPerEntry", String.format(java.util.Locale.ROOT, "%.2f", (after - baseline) / (double) n));
            System.out.println(ChildJvm.resultLine(r));
        }
        System.exit(0);
    }
}
