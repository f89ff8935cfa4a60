package io.khora.internal.query;

/** A comparison operator. */
enum CompareOp {
    EQ("="),
    NE("<>"),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    private final String symbol;

    CompareOp(String symbol) {
        this.symbol = symbol;
    }

    /** The operator's symbol. */
    String symbol() {
        return symbol;
    }

    /** The operator with its operands swapped: {@code 5 < x} is {@code x > 5}. */
    CompareOp flip() {
        switch (this) {
            case LT:
                return GT;
            case LE:
                return GE;
            case GT:
                return LT;
            case GE:
                return LE;
            default:
                return this;
        }
    }

    /** Whether a comparison result (negative, zero, positive) satisfies the operator. */
    boolean test(int comparison) {
        switch (this) {
            case EQ:
                return comparison == 0;
            case NE:
                return comparison != 0;
            case LT:
                return comparison < 0;
            case LE:
                return comparison <= 0;
            case GT:
                return comparison > 0;
            default:
                return comparison >= 0;
        }
    }
}
