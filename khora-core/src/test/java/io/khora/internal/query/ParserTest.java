package io.khora.internal.query;

import io.khora.QueryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigInteger;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ParserTest {
    private static Expr where(String text) {
        return Parser.parse(text).where();
    }

    private static Expr.Comparison cmp(Expr e) {
        return (Expr.Comparison) e;
    }

    private static Object literal(String text) {
        return ((Operand.Literal) cmp(where(text)).value()).value();
    }

    @Test
    void notBindsTighterThanAndWhichBindsTighterThanOr() {
        Expr e = where("a = 1 OR b = 2 AND NOT c = 3");
        assertThat(e).isInstanceOf(Expr.Or.class);
        List<Expr> or = ((Expr.Or) e).operands();
        assertThat(cmp(or.get(0)).path().dotted()).isEqualTo("a");
        Expr.And and = (Expr.And) or.get(1);
        assertThat(cmp(and.operands().get(0)).path().dotted()).isEqualTo("b");
        assertThat(cmp(((Expr.Not) and.operands().get(1)).operand()).path().dotted()).isEqualTo("c");
    }

    @Test
    void parenthesesOverridePrecedence() {
        Expr.And and = (Expr.And) where("(a = 1 OR b = 2) AND c = 3");
        assertThat(and.operands().get(0)).isInstanceOf(Expr.Or.class);
        assertThat(cmp(and.operands().get(1)).path().dotted()).isEqualTo("c");
    }

    @Test
    void chainsOfAndAndOrAreFlat() {
        assertThat(((Expr.And) where("a = 1 AND b = 2 AND c = 3")).operands()).hasSize(3);
        assertThat(((Expr.Or) where("a = 1 OR b = 2 OR c = 3")).operands()).hasSize(3);
    }

    @Test
    void valueOnTheLeftIsFlipped() {
        Expr.Comparison c = cmp(where("5 < price"));
        assertThat(c.path().dotted()).isEqualTo("price");
        assertThat(c.op()).isEqualTo(CompareOp.GT);
        assertThat(cmp(where("? >= qty")).op()).isEqualTo(CompareOp.LE);
        assertThat(cmp(where("'x' = symbol")).op()).isEqualTo(CompareOp.EQ);
    }

    @Test
    void keywordsAreCaseInsensitive() {
        ParsedQuery q = Parser.parse("price between 1 and 2 or not symbol like 'x%' and qty Is Not Null order by price desc");
        assertThat(q.where()).isInstanceOf(Expr.Or.class);
        assertThat(q.orderBy()).containsExactly(new OrderItem(q.orderBy().get(0).path(), true));
    }

    @Test
    void bothInequalitySpellingsMeanNotEqual() {
        assertThat(cmp(where("a <> 1")).op()).isEqualTo(CompareOp.NE);
        assertThat(cmp(where("a != 1")).op()).isEqualTo(CompareOp.NE);
    }

    @Test
    void pathsAreDottedAndMayUseKeywordsAfterADotOrQuotedNames() {
        assertThat(cmp(where("address.city = 'x'")).path().segments()).containsExactly("address", "city");
        assertThat(cmp(where("a.order = 1")).path().segments()).containsExactly("a", "order");
        assertThat(cmp(where("\"order\" = 1")).path().segments()).containsExactly("order");
        assertThat(cmp(where("\"say \"\"hi\"\"\" = 1")).path().segments()).containsExactly("say \"hi\"");
        assertThat(cmp(where("address.city = 'x'")).path().positions()).containsExactly(0, 8);
    }

    @Test
    void integerLiteralsAreIntegerThenLongThenBigInteger() {
        assertThat(literal("a = 5")).isEqualTo(5);
        assertThat(literal("a = -2147483648")).isEqualTo(Integer.MIN_VALUE);
        assertThat(literal("a = 3000000000")).isEqualTo(3_000_000_000L);
        assertThat(literal("a = 99999999999999999999")).isEqualTo(new BigInteger("99999999999999999999"));
    }

    @Test
    void decimalLiteralsAreDoublesAndKeepTheirText() {
        Operand.Literal l = (Operand.Literal) cmp(where("a = 0.1")).value();
        assertThat(l.value()).isEqualTo(0.1);
        assertThat(l.decimalText()).isEqualTo("0.1");
        assertThat(literal("a = 1e3")).isEqualTo(1000.0);
        assertThat(literal("a = -2.5E-1")).isEqualTo(-0.25);
    }

    @Test
    void stringsUnescapeDoubledQuotesAndBooleansAreKeywords() {
        assertThat(literal("a = 'it''s'")).isEqualTo("it's");
        assertThat(literal("a = ''")).isEqualTo("");
        assertThat(literal("a = TRUE")).isEqualTo(true);
        assertThat(literal("a = false")).isEqualTo(false);
    }

    @Test
    void parametersAreNumberedInTextOrder() {
        ParsedQuery q = Parser.parse("? < price AND symbol IN (?, ?) AND note LIKE ?");
        assertThat(q.parameterCount()).isEqualTo(4);
        Expr.And and = (Expr.And) q.where();
        assertThat(((Operand.Parameter) cmp(and.operands().get(0)).value()).index()).isZero();
        assertThat(((Expr.In) and.operands().get(1)).values())
                .containsExactly(new Operand.Parameter(1, 25), new Operand.Parameter(2, 28));
    }

    @Test
    void inListsMayHoldNull() {
        Expr.In in = (Expr.In) where("a NOT IN (1, NULL)");
        assertThat(in.negated()).isTrue();
        assertThat(in.values().get(1)).isEqualTo(new Operand.Null(13));
    }

    @Test
    void emptyTextAndOrderByAloneHaveNoWhereClause() {
        assertThat(Parser.parse("").where()).isNull();
        assertThat(Parser.parse("   \n\t").where()).isNull();
        ParsedQuery q = Parser.parse("ORDER BY price, symbol ASC, qty DESC");
        assertThat(q.where()).isNull();
        assertThat(q.orderBy()).extracting(o -> o.path().dotted()).containsExactly("price", "symbol", "qty");
        assertThat(q.orderBy()).extracting(OrderItem::descending).containsExactly(false, false, true);
    }

    @Test
    void parsedQueriesAreCachedByText() {
        String text = "price > 1 AND symbol = 'cached-" + System.nanoTime() + "'";
        assertThat(ParseCache.parse(text)).isSameAs(ParseCache.parse(text));
    }

    @Test
    void theParseCacheIsBounded() {
        for (int i = 0; i <= ParseCache.MAX_ENTRIES; i++) {
            ParseCache.parse("qty = " + i);
        }
        assertThat(ParseCache.size()).isBetween(1, ParseCache.MAX_ENTRIES);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "price > AND qty = 1          | 8  | expected a value after '>' but found 'AND'",
        "name = 'abc                  | 7  | unterminated string literal",
        "price > 5)                   | 9  | unexpected ')'",
        "NOT (price > 5               | 14 | expected ')' to close '(' opened at position 4 but found end of query",
        "qty IN (1, 2                 | 12 | expected ')' to close '(' opened at position 7 but found end of query",
        "qty IN (1 2)                 | 10 | expected ',' or ')' after '1' but found '2'",
        "qty IN ()                    | 8  | expected a value after '(' but found ')'",
        "qty IN 1                     | 7  | expected '(' after 'IN' but found '1'",
        "ORDER BY                     | 8  | expected a property name after 'BY' but found end of query",
        "price > 5 ORDER price        | 16 | expected BY after 'ORDER' but found 'price'",
        "price > 5 ORDER BY price x   | 25 | expected ',' or end of query after 'price' but found 'x'",
        "price > 5 ORDER BY price,    | 25 | expected a property name after ',' but found end of query",
        "price >= 5 qty = 1           | 11 | expected AND, OR, ORDER BY or end of query after '5' but found 'qty'",
        "price = NULL                 | 8  | expected a value after '=' but found 'NULL'; use IS NULL or IS NOT NULL",
        "price IS 5                   | 9  | expected NULL or NOT NULL after 'IS' but found '5'",
        "price IS NOT 5               | 13 | expected NULL after 'NOT' but found '5'",
        "price NOT > 5                | 10 | expected IN, LIKE or BETWEEN after 'NOT' but found '>'",
        "price BETWEEN 1 OR 2         | 16 | expected AND after '1' but found 'OR'",
        "symbol LIKE 5                | 12 | expected a quoted pattern or ? after 'LIKE' but found '5'",
        "price # 5                    | 6  | unexpected character '#'",
        "price ! 5                    | 6  | unexpected character '!'",
        "price > -x                   | 8  | unexpected character '-'",
        "price > 5abc                 | 8  | malformed number '5abc'",
        "price > 1.2.3                | 8  | malformed number '1.2.3'",
        "()                           | 1  | expected a condition (a property name, NOT or '(') after '(' but found ')'",
        ")                            | 0  | expected a condition (a property name, NOT or '(') but found ')'",
        "5 = 5                        | 4  | expected a property name after '=' but found '5'",
        "5 IN (5)                     | 2  | expected a comparison operator (=, <>, !=, <, <=, >, >=) after '5' but found 'IN'",
        "address. = 1                 | 9  | expected a property name after '.' but found '='",
        "price > 5 AND                | 13 | expected a condition (a property name, NOT or '(') after 'AND' but found end of query",
        "price                        | 5  | expected an operator (=, <>, !=, <, <=, >, >=, IN, LIKE, BETWEEN, IS) after 'price' but found end of query",
        "\"unterminated = 1           | 0  | unterminated quoted identifier",
        "\"\" = 1                     | 0  | empty quoted identifier",
        "price > 1e999                | 8  | number 1e999 is out of the range of a double",
    })
    void syntaxErrorsReportWhatWasExpectedAndWhereItWasFound(String text, int position, String problem) {
        QueryException e = catchThrowableOfType(() -> Parser.parse(text), QueryException.class);
        assertThat(e).as("a QueryException for %s", text).isNotNull();
        assertThat(e.position()).isEqualTo(position);
        assertThat(e.query()).isEqualTo(text);
        assertThat(e.getMessage())
                .startsWith(problem)
                .contains("at position " + position)
                .contains("\n  " + text + "\n")
                .endsWith("\n  " + " ".repeat(position) + "^");
    }

    @Test
    void theLeftmostErrorIsReportedEvenIfALaterTokenIsMalformed() {
        QueryException e = catchThrowableOfType(() -> Parser.parse("price > > 'unterminated"), QueryException.class);
        assertThat(e.position()).isEqualTo(8);
        assertThat(e.getMessage()).startsWith("expected a value after '>' but found '>'");
    }
}
