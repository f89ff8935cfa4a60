package io.khora.cluster;

import java.time.Duration;

/** Durations as people write them in URIs, files and flags: {@code 500ms}, {@code 30s}, {@code 2m}. */
public final class Durations {
    private Durations() {
    }

    /**
     * Parses {@code text}.
     *
     * @param where what is being parsed, for the message (an option's or key's name and place)
     * @throws IllegalArgumentException naming {@code where} if the text is not such a duration
     */
    public static Duration parse(String text, String where) {
        String v = String.valueOf(text).trim();
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
        } catch (NumberFormatException e) {
            // not a number before the unit: the message below says what is expected
        }
        throw new IllegalArgumentException(where + ": '" + v + "' is not a duration like 500ms, 30s or 2m");
    }
}
