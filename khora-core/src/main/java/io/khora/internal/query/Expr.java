package io.khora.internal.query;

import java.util.List;

/** The parsed form of a WHERE clause: an immutable tree, shareable between threads. */
sealed interface Expr {
    /** {@code path op value}; a value written on the left is flipped to the right when parsed. */
    record Comparison(Path path, CompareOp op, Operand value) implements Expr {
    }

    /** {@code path [NOT] IN (values)}; values may include {@link Operand.Null}. */
    record In(Path path, List<Operand> values, boolean negated) implements Expr {
        public In {
            values = List.copyOf(values);
        }
    }

    /** {@code path [NOT] LIKE pattern}. */
    record Like(Path path, Operand pattern, boolean negated) implements Expr {
    }

    /** {@code path IS [NOT] NULL}. */
    record IsNull(Path path, boolean negated) implements Expr {
    }

    /** {@code path [NOT] BETWEEN low AND high}. */
    record Between(Path path, Operand low, Operand high, boolean negated) implements Expr {
    }

    /** A conjunction of two or more operands. */
    record And(List<Expr> operands) implements Expr {
        public And {
            operands = List.copyOf(operands);
        }
    }

    /** A disjunction of two or more operands. */
    record Or(List<Expr> operands) implements Expr {
        public Or {
            operands = List.copyOf(operands);
        }
    }

    /** {@code NOT operand}. */
    record Not(Expr operand) implements Expr {
    }
}
