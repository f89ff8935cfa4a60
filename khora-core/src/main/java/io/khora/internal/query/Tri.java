package io.khora.internal.query;

/**
 * SQL's three truth values as ints, so that evaluation does not allocate: {@link #FALSE},
 * {@link #TRUE} and {@link #UNKNOWN} (the result of comparing with null or of comparing values of
 * incomparable kinds).
 */
final class Tri {
    static final int FALSE = 0;
    static final int TRUE = 1;
    static final int UNKNOWN = 2;

    private Tri() {
    }

    static int of(boolean b) {
        return b ? TRUE : FALSE;
    }

    /** NOT: unknown stays unknown. */
    static int not(int v) {
        return v == UNKNOWN ? UNKNOWN : TRUE - v;
    }

    /** AND: false wins over unknown, unknown over true. */
    static int and(int a, int b) {
        if (a == FALSE || b == FALSE) {
            return FALSE;
        }
        return a == UNKNOWN || b == UNKNOWN ? UNKNOWN : TRUE;
    }

    static String name(int v) {
        return v == TRUE ? "TRUE" : v == FALSE ? "FALSE" : "UNKNOWN";
    }
}
