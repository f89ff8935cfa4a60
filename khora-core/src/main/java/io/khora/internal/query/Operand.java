package io.khora.internal.query;

/** A value in a query: a literal, a {@code ?} parameter, or NULL (legal only in IN lists). */
sealed interface Operand {
    /** The offset of the operand in the query text. */
    int position();

    /**
     * A literal: Integer, Long, BigInteger, Double, String or Boolean.
     *
     * @param decimalText the source text of a decimal literal (so that a BigDecimal property gets
     *                    exactly what was written), else null
     */
    record Literal(Object value, String decimalText, int position) implements Operand {
    }

    /** The {@code index}-th (0-based) {@code ?} of the query. */
    record Parameter(int index, int position) implements Operand {
    }

    /** The NULL keyword in an IN list. */
    record Null(int position) implements Operand {
    }
}
