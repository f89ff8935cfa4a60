package io.khora.internal.query;

import java.util.Arrays;

/**
 * A compiled LIKE pattern: {@code %} matches any run of characters (also none), {@code _} exactly
 * one character (one code point), every other character itself, case-sensitively. There is no
 * escape character, so regex metacharacters and backslashes are plain characters. Patterns
 * without {@code _} and with {@code %} only at the ends are matched with
 * {@code equals/startsWith/endsWith/contains}; the others by a backtracking matcher that does not
 * allocate.
 */
final class LikePattern {
    private static final int ANY_RUN = -1;
    private static final int ANY_ONE = -2;

    private enum Shape { ANY, EXACT, PREFIX, SUFFIX, CONTAINS, GENERAL }

    private final String pattern;
    private final Shape shape;
    private final String literal;
    private final int[] program;

    private LikePattern(String pattern, Shape shape, String literal, int[] program) {
        this.pattern = pattern;
        this.shape = shape;
        this.literal = literal;
        this.program = program;
    }

    /** Compiles {@code pattern}. */
    static LikePattern compile(String pattern) {
        int[] codePoints = pattern.codePoints().toArray();
        int[] program = new int[codePoints.length];
        int length = 0;
        int runs = 0;
        boolean anyOne = false;
        for (int cp : codePoints) {
            if (cp == '%') {
                if (length > 0 && program[length - 1] == ANY_RUN) {
                    continue;
                }
                program[length++] = ANY_RUN;
                runs++;
            } else if (cp == '_') {
                program[length++] = ANY_ONE;
                anyOne = true;
            } else {
                program[length++] = cp;
            }
        }
        int[] compact = Arrays.copyOf(program, length);
        if (!anyOne) {
            boolean leading = length > 0 && compact[0] == ANY_RUN;
            boolean trailing = length > 0 && compact[length - 1] == ANY_RUN;
            if (runs == 0) {
                return new LikePattern(pattern, Shape.EXACT, pattern, compact);
            }
            if (runs == 1 && length == 1) {
                return new LikePattern(pattern, Shape.ANY, "", compact);
            }
            if (runs == 1 && trailing) {
                return new LikePattern(pattern, Shape.PREFIX, literal(compact, 0, length - 1), compact);
            }
            if (runs == 1 && leading) {
                return new LikePattern(pattern, Shape.SUFFIX, literal(compact, 1, length), compact);
            }
            if (runs == 2 && leading && trailing) {
                return new LikePattern(pattern, Shape.CONTAINS, literal(compact, 1, length - 1), compact);
            }
        }
        return new LikePattern(pattern, Shape.GENERAL, null, compact);
    }

    private static String literal(int[] program, int from, int to) {
        return new String(program, from, to - from);
    }

    /** Whether {@code s} (non-null) matches the whole pattern. */
    boolean matches(String s) {
        switch (shape) {
            case ANY:
                return true;
            case EXACT:
                return s.equals(literal);
            case PREFIX:
                return s.startsWith(literal);
            case SUFFIX:
                return s.endsWith(literal);
            case CONTAINS:
                return s.contains(literal);
            default:
                return matchesGeneral(s);
        }
    }

    /**
     * Greedy matching that remembers only the last {@code %}: when a later mismatch happens, the
     * last {@code %} absorbs one more character and matching resumes after it. Remembering one is
     * enough, since an earlier {@code %} can never help once a later one has been reached.
     */
    private boolean matchesGeneral(String s) {
        int[] p = program;
        int m = p.length;
        int n = s.length();
        int si = 0;
        int pi = 0;
        int runPi = -1;
        int runSi = 0;
        while (si < n) {
            if (pi < m) {
                int pc = p[pi];
                if (pc == ANY_RUN) {
                    runPi = pi++;
                    runSi = si;
                    continue;
                }
                int cp = s.codePointAt(si);
                if (pc == ANY_ONE || pc == cp) {
                    si += Character.charCount(cp);
                    pi++;
                    continue;
                }
            }
            if (runPi < 0) {
                return false;
            }
            pi = runPi + 1;
            runSi += Character.charCount(s.codePointAt(runSi));
            si = runSi;
        }
        while (pi < m && p[pi] == ANY_RUN) {
            pi++;
        }
        return pi == m;
    }

    @Override
    public String toString() {
        return "LIKE '" + pattern + "'";
    }
}
