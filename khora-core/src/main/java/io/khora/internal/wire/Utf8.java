package io.khora.internal.wire;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 without intermediate arrays. Well-formed strings are standard UTF-8; an unpaired
 * surrogate (legal in a Java {@code String}, not in Unicode text) is written in its three-byte
 * form, as WTF-8 does, so that every {@code String} round-trips exactly. The decoder is strict:
 * overlong forms, stray continuation bytes, code points above U+10FFFF and truncated sequences
 * are rejected.
 */
final class Utf8 {
    private Utf8() {
    }

    /** The number of bytes {@link #encode} writes for {@code s}. */
    static long encodedLength(String s) {
        int n = s.length();
        long bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // two chars, four bytes
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    /** Writes {@code s} into {@code out} from {@code pos}; returns the position after it. */
    static int encode(String s, byte[] out, int pos) {
        int n = s.length();
        int i = 0;
        // ASCII prefix: the common case, one store per char
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                break;
            }
            out[pos++] = (byte) c;
        }
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[pos++] = (byte) c;
            } else if (c < 0x800) {
                out[pos++] = (byte) (0xC0 | (c >>> 6));
                out[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[pos++] = (byte) (0xF0 | (cp >>> 18));
                out[pos++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
                out[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
                out[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                out[pos++] = (byte) (0xE0 | (c >>> 12));
                out[pos++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
                out[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return pos;
    }

    /**
     * Decodes {@code len} bytes at {@code off}; malformed input fails with a
     * {@link WireFormatException} at {@code reportBase} plus the index of the bad byte.
     */
    static String decode(byte[] in, int off, int len, int reportBase) {
        int end = off + len;
        int i = off;
        while (i < end && in[i] >= 0) {
            i++;
        }
        if (i == end) {
            return new String(in, off, len, StandardCharsets.ISO_8859_1); // pure ASCII: one copy
        }
        char[] out = new char[len]; // never more chars than bytes
        int n = 0;
        for (int k = off; k < i; k++) {
            out[n++] = (char) in[k];
        }
        while (i < end) {
            int b = in[i];
            if (b >= 0) {
                out[n++] = (char) b;
                i++;
            } else if ((b & 0xE0) == 0xC0) {
                if (i + 1 >= end || !isContinuation(in[i + 1]) || (b & 0x1E) == 0) {
                    throw malformed(i - off + reportBase);
                }
                out[n++] = (char) (((b & 0x1F) << 6) | (in[i + 1] & 0x3F));
                i += 2;
            } else if ((b & 0xF0) == 0xE0) {
                if (i + 2 >= end || !isContinuation(in[i + 1]) || !isContinuation(in[i + 2])) {
                    throw malformed(i - off + reportBase);
                }
                int c = ((b & 0x0F) << 12) | ((in[i + 1] & 0x3F) << 6) | (in[i + 2] & 0x3F);
                if (c < 0x800) { // overlong
                    throw malformed(i - off + reportBase);
                }
                out[n++] = (char) c;
                i += 3;
            } else if ((b & 0xF8) == 0xF0) {
                if (i + 3 >= end || !isContinuation(in[i + 1]) || !isContinuation(in[i + 2])
                        || !isContinuation(in[i + 3])) {
                    throw malformed(i - off + reportBase);
                }
                int cp = ((b & 0x07) << 18) | ((in[i + 1] & 0x3F) << 12) | ((in[i + 2] & 0x3F) << 6)
                        | (in[i + 3] & 0x3F);
                if (cp < 0x10000 || cp > Character.MAX_CODE_POINT) {
                    throw malformed(i - off + reportBase);
                }
                out[n++] = Character.highSurrogate(cp);
                out[n++] = Character.lowSurrogate(cp);
                i += 4;
            } else {
                throw malformed(i - off + reportBase);
            }
        }
        return new String(out, 0, n);
    }

    private static WireFormatException malformed(int offset) {
        return new WireFormatException("malformed UTF-8 in a string", offset, null);
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
