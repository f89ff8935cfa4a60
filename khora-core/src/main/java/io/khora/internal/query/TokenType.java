package io.khora.internal.query;

/** The kinds of token of the query language. */
enum TokenType {
    IDENTIFIER,
    INTEGER,
    DECIMAL,
    STRING,
    PARAMETER,
    LEFT_PAREN,
    RIGHT_PAREN,
    COMMA,
    DOT,
    EQ,
    NE,
    LT,
    LE,
    GT,
    GE,
    AND(true),
    OR(true),
    NOT(true),
    IN(true),
    LIKE(true),
    IS(true),
    NULL(true),
    BETWEEN(true),
    TRUE(true),
    FALSE(true),
    ORDER(true),
    BY(true),
    ASC(true),
    DESC(true),
    END;

    private final boolean keyword;

    TokenType() {
        this(false);
    }

    TokenType(boolean keyword) {
        this.keyword = keyword;
    }

    /** Whether the token is a (case-insensitive) keyword. */
    boolean isKeyword() {
        return keyword;
    }

    /** The comparison operator of this token, or null. */
    CompareOp compareOp() {
        switch (this) {
            case EQ:
                return CompareOp.EQ;
            case NE:
                return CompareOp.NE;
            case LT:
                return CompareOp.LT;
            case LE:
                return CompareOp.LE;
            case GT:
                return CompareOp.GT;
            case GE:
                return CompareOp.GE;
            default:
                return null;
        }
    }
}
