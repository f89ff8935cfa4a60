package io.khora.internal.query;

import io.khora.QueryException;

import java.util.ArrayList;
import java.util.List;

/**
 * A recursive-descent parser of the query language, one token of look-ahead:
 *
 * <pre>
 * query     := [or] [ORDER BY orderItem (',' orderItem)*] END
 * or        := and (OR and)*
 * and       := not (AND not)*
 * not       := NOT not | primary
 * primary   := '(' or ')' | path predicate | value compareOp path
 * predicate := compareOp value
 *            | [NOT] IN '(' value (',' value)* ')'
 *            | [NOT] LIKE value
 *            | [NOT] BETWEEN value AND value
 *            | IS [NOT] NULL
 * path      := identifier ('.' word)*
 * orderItem := path [ASC | DESC]
 * </pre>
 *
 * Errors are {@link QueryException}s at the offending token that say what was expected and what
 * was found.
 */
final class Parser {
    private final String text;
    private final Lexer lexer;
    private Token current;
    private Token previous;
    private int parameterCount;

    private Parser(String text) {
        this.text = text;
        this.lexer = new Lexer(text);
        this.current = lexer.next();
    }

    /** Parses {@code text}; throws {@link QueryException} on a syntax error. */
    static ParsedQuery parse(String text) {
        return new Parser(text).query();
    }

    private ParsedQuery query() {
        Expr where = null;
        if (current.type() != TokenType.END && current.type() != TokenType.ORDER) {
            where = or();
            if (current.type() == TokenType.RIGHT_PAREN) {
                throw error("unexpected ')' without a matching '('", current);
            }
            if (current.type() != TokenType.END && current.type() != TokenType.ORDER) {
                throw expected("AND, OR, ORDER BY or end of query");
            }
        }
        List<OrderItem> orderBy = List.of();
        if (current.type() == TokenType.ORDER) {
            orderBy = orderBy();
            if (current.type() != TokenType.END) {
                throw expected("',' or end of query");
            }
        }
        return new ParsedQuery(text, where, orderBy, parameterCount);
    }

    private Expr or() {
        Expr first = and();
        if (current.type() != TokenType.OR) {
            return first;
        }
        List<Expr> operands = new ArrayList<>();
        operands.add(first);
        while (current.type() == TokenType.OR) {
            advance();
            operands.add(and());
        }
        return new Expr.Or(operands);
    }

    private Expr and() {
        Expr first = not();
        if (current.type() != TokenType.AND) {
            return first;
        }
        List<Expr> operands = new ArrayList<>();
        operands.add(first);
        while (current.type() == TokenType.AND) {
            advance();
            operands.add(not());
        }
        return new Expr.And(operands);
    }

    private Expr not() {
        if (current.type() == TokenType.NOT) {
            advance();
            return new Expr.Not(not());
        }
        return primary();
    }

    private Expr primary() {
        switch (current.type()) {
            case LEFT_PAREN: {
                Token open = current;
                advance();
                Expr inner = or();
                if (current.type() != TokenType.RIGHT_PAREN) {
                    throw error("expected ')' to close '(' opened at position " + open.position()
                            + " but found " + current.describe(), current);
                }
                advance();
                return inner;
            }
            case IDENTIFIER:
                return predicate(path());
            case PARAMETER:
            case INTEGER:
            case DECIMAL:
            case STRING:
            case TRUE:
            case FALSE:
                return flippedComparison();
            default:
                throw expected("a condition (a property name, NOT or '(')");
        }
    }

    /** {@code value op path}, e.g. {@code 5 < price}, read as {@code price > 5}. */
    private Expr flippedComparison() {
        Operand value = value(false);
        CompareOp op = current.type().compareOp();
        if (op == null) {
            throw expected("a comparison operator (=, <>, !=, <, <=, >, >=)");
        }
        advance();
        if (current.type() != TokenType.IDENTIFIER) {
            throw expected("a property name");
        }
        return new Expr.Comparison(path(), op.flip(), value);
    }

    private Expr predicate(Path path) {
        CompareOp op = current.type().compareOp();
        if (op != null) {
            advance();
            return new Expr.Comparison(path, op, value(false));
        }
        switch (current.type()) {
            case IS: {
                advance();
                boolean negated = current.type() == TokenType.NOT;
                if (negated) {
                    advance();
                }
                if (current.type() != TokenType.NULL) {
                    throw expected(negated ? "NULL" : "NULL or NOT NULL");
                }
                advance();
                return new Expr.IsNull(path, negated);
            }
            case NOT:
                advance();
                if (current.type() != TokenType.IN && current.type() != TokenType.LIKE && current.type() != TokenType.BETWEEN) {
                    throw expected("IN, LIKE or BETWEEN");
                }
                return negatable(path, true);
            case IN:
            case LIKE:
            case BETWEEN:
                return negatable(path, false);
            default:
                throw expected("an operator (=, <>, !=, <, <=, >, >=, IN, LIKE, BETWEEN, IS)");
        }
    }

    private Expr negatable(Path path, boolean negated) {
        TokenType type = current.type();
        advance();
        if (type == TokenType.IN) {
            return new Expr.In(path, inList(), negated);
        }
        if (type == TokenType.LIKE) {
            if (current.type() != TokenType.STRING && current.type() != TokenType.PARAMETER) {
                throw expected("a quoted pattern or ?");
            }
            return new Expr.Like(path, value(false), negated);
        }
        Operand low = value(false);
        if (current.type() != TokenType.AND) {
            throw expected("AND");
        }
        advance();
        return new Expr.Between(path, low, value(false), negated);
    }

    private List<Operand> inList() {
        if (current.type() != TokenType.LEFT_PAREN) {
            throw expected("'('");
        }
        Token open = current;
        advance();
        List<Operand> values = new ArrayList<>();
        while (true) {
            values.add(value(true));
            if (current.type() == TokenType.COMMA) {
                advance();
            } else if (current.type() == TokenType.RIGHT_PAREN) {
                advance();
                return values;
            } else if (current.type() == TokenType.END) {
                throw error("expected ')' to close '(' opened at position " + open.position()
                        + " but found " + current.describe(), current);
            } else {
                throw expected("',' or ')'");
            }
        }
    }

    private Operand value(boolean nullAllowed) {
        Token t = current;
        switch (t.type()) {
            case PARAMETER:
                advance();
                return new Operand.Parameter(parameterCount++, t.position());
            case INTEGER:
                advance();
                return new Operand.Literal(t.value(), null, t.position());
            case DECIMAL:
                advance();
                return new Operand.Literal(t.value(), t.text(), t.position());
            case STRING:
                advance();
                return new Operand.Literal(t.value(), null, t.position());
            case TRUE:
            case FALSE:
                advance();
                return new Operand.Literal(t.type() == TokenType.TRUE, null, t.position());
            case NULL:
                if (nullAllowed) {
                    advance();
                    return new Operand.Null(t.position());
                }
                throw error(expectedMessage("a value") + "; use IS NULL or IS NOT NULL to test for null", t);
            default:
                throw expected("a value");
        }
    }

    private Path path() {
        List<String> segments = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        segments.add((String) current.value());
        positions.add(current.position());
        advance();
        while (current.type() == TokenType.DOT) {
            advance();
            if (!current.isWord()) {
                throw expected("a property name");
            }
            segments.add(current.type() == TokenType.IDENTIFIER ? (String) current.value() : current.text());
            positions.add(current.position());
            advance();
        }
        return new Path(segments, positions);
    }

    private List<OrderItem> orderBy() {
        advance();
        if (current.type() != TokenType.BY) {
            throw expected("BY");
        }
        advance();
        List<OrderItem> items = new ArrayList<>();
        while (true) {
            if (current.type() != TokenType.IDENTIFIER) {
                throw expected("a property name");
            }
            Path path = path();
            boolean descending = false;
            if (current.type() == TokenType.ASC) {
                advance();
            } else if (current.type() == TokenType.DESC) {
                descending = true;
                advance();
            }
            items.add(new OrderItem(path, descending));
            if (current.type() != TokenType.COMMA) {
                return items;
            }
            advance();
        }
    }

    private void advance() {
        previous = current;
        current = lexer.next();
    }

    private QueryException expected(String what) {
        return error(expectedMessage(what), current);
    }

    private String expectedMessage(String what) {
        return "expected " + what + (previous == null ? "" : " after " + previous.describe())
                + " but found " + current.describe();
    }

    private QueryException error(String problem, Token at) {
        return new QueryException(problem, text, at.position());
    }
}
