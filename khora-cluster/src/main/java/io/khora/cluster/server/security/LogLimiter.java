package io.khora.cluster.server.security;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Rate-limits log lines per key (a remote address, say): one line per key per interval; the lines
 * suppressed in between are counted and reported with the next one. Remembers at most
 * {@link #MAX_KEYS} keys. Time is injected.
 */
public final class LogLimiter {
    static final int MAX_KEYS = 4096;

    private final long intervalNanos;
    private final LongSupplier nanos;
    private final LinkedHashMap<String, long[]> last = new LinkedHashMap<>(); // key -> {time of the last line, suppressed since}

    /** One line per key every {@code interval}, on clock {@code nanos}. */
    public LogLimiter(Duration interval, LongSupplier nanos) {
        this.intervalNanos = interval.toNanos();
        this.nanos = nanos;
    }

    /** Whether a line for {@code key} may be logged now: -1 if not, else how many were suppressed since the last one. */
    public synchronized long permit(String key) {
        long now = nanos.getAsLong();
        long[] s = last.get(key);
        if (s != null && now - s[0] < intervalNanos) {
            s[1]++;
            return -1;
        }
        long suppressed = s == null ? 0 : s[1];
        last.remove(key);
        last.put(key, new long[] {now, 0});
        if (last.size() > MAX_KEYS) {
            Iterator<Map.Entry<String, long[]>> it = last.entrySet().iterator();
            it.next();
            it.remove();
        }
        return suppressed;
    }
}
