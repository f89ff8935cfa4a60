package io.khora.cluster;

import java.util.Locale;

/**
 * Byte sizes as people write them in URIs, files and flags: {@code 16MiB}, {@code 512KiB},
 * {@code 1048576}. Units are binary and case-insensitive: {@code K}, {@code KB}, {@code KiB} are
 * 1024 bytes, {@code M…} 1024², {@code G…} 1024³; {@code B} or no unit means bytes.
 */
public final class ByteSizes {
    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;

    private ByteSizes() {
    }

    /**
     * Parses {@code text} into a number of bytes that fits an {@code int}.
     *
     * @param where what is being parsed, for the message (an option's or key's name and place)
     * @throws IllegalArgumentException naming {@code where} and the text if it is not such a size
     */
    public static int parse(String text, String where) {
        String v = String.valueOf(text).trim();
        String lower = v.toLowerCase(Locale.ROOT);
        int digits = 0;
        while (digits < lower.length() && Character.isDigit(lower.charAt(digits))) {
            digits++;
        }
        long unit = switch (lower.substring(digits).trim()) {
            case "", "b" -> 1;
            case "k", "kb", "kib" -> KIB;
            case "m", "mb", "mib" -> MIB;
            case "g", "gb", "gib" -> GIB;
            default -> -1;
        };
        if (digits == 0 || digits > 12 || unit < 0) {
            throw new IllegalArgumentException(where + ": '" + v + "' is not a size like 16MiB, 512KiB or 1048576 (bytes)");
        }
        long bytes = Long.parseLong(lower.substring(0, digits)) * unit;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + ": '" + v + "' is " + bytes + " bytes; at most " + Integer.MAX_VALUE
                    + " bytes (2 GiB - 1) are possible");
        }
        return (int) bytes;
    }

    /** {@code bytes} for a message: the exact count and, from 1 KiB, a readable size — {@code 73400320 bytes (70.0 MiB)}. */
    public static String describe(long bytes) {
        if (bytes < KIB) {
            return bytes + " bytes";
        }
        String readable = bytes >= GIB ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) GIB)
                : bytes >= MIB ? String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB)
                : String.format(Locale.ROOT, "%.1f KiB", bytes / (double) KIB);
        return bytes + " bytes (" + readable + ")";
    }
}
