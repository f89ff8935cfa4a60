package io.khora.server;

import java.util.Collection;
import java.util.Map;

/**
 * Refuses a flag or key a command does not know, naming it, suggesting the nearest known one (a
 * typo such as {@code --fsycn} is answered "did you mean --fsync?") and listing the rest, so no
 * misspelt setting is ever silently ignored.
 */
final class KnownFlags {
    private KnownFlags() {
    }

    /** Throws IllegalArgumentException for the first flag of {@code flags} not in {@code known}. */
    static void require(Map<String, ?> flags, Collection<String> known, String where) {
        for (String k : flags.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException(unknown("--", k, known, where));
            }
        }
    }

    /** The message for unknown {@code name}: "unknown flag --x for where; did you mean --y? (known: …)". */
    static String unknown(String prefix, String name, Collection<String> known, String where) {
        String nearest = nearest(name, known);
        return "unknown " + (prefix.isEmpty() ? "key '" + name + "'" : "flag " + prefix + name)
                + (where == null ? "" : " for " + where)
                + (nearest == null ? "" : "; did you mean " + (prefix.isEmpty() ? "'" + nearest + "'" : prefix + nearest) + "?")
                + " (known: " + String.join(", ", known) + ")";
    }

    /** The known name within edit distance 2 of {@code name} (and less than half its length), or null. */
    static String nearest(String name, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(name, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return bestDistance <= 2 && bestDistance * 2 < Math.max(name.length(), 1) ? best : null;
    }

    /** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
