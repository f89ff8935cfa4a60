package io.khora.internal.query;

import io.khora.internal.query.Fixtures.Side;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.Map;

import static io.khora.internal.query.Fixtures.trade;
import static io.khora.internal.query.Fixtures.trades;
import static org.assertj.core.api.Assertions.assertThat;

class EvaluationTest {
    private static boolean matches(String text, Object[] row, Object... args) {
        return trades(text, args).matches(row);
    }

    @Test
    void everyComparisonOperatorOnAPrimitiveInt() {
        Object[] row = trade("qty", 10);
        assertThat(matches("qty = 10", row)).isTrue();
        assertThat(matches("qty = 11", row)).isFalse();
        assertThat(matches("qty <> 10", row)).isFalse();
        assertThat(matches("qty != 11", row)).isTrue();
        assertThat(matches("qty < 11", row)).isTrue();
        assertThat(matches("qty < 10", row)).isFalse();
        assertThat(matches("qty <= 10", row)).isTrue();
        assertThat(matches("qty <= 9", row)).isFalse();
        assertThat(matches("qty > 9", row)).isTrue();
        assertThat(matches("qty > 10", row)).isFalse();
        assertThat(matches("qty >= 10", row)).isTrue();
        assertThat(matches("qty >= 11", row)).isFalse();
    }

    @Test
    void everyComparisonOperatorOnALong() {
        Object[] row = trade("volume", 5_000_000_000L);
        assertThat(matches("volume = 5000000000", row)).isTrue();
        assertThat(matches("volume <> 5000000000", row)).isFalse();
        assertThat(matches("volume > 4999999999", row)).isTrue();
        assertThat(matches("volume >= ?", row, 5_000_000_001L)).isFalse();
        assertThat(matches("volume < ?", row, 6_000_000_000L)).isTrue();
        assertThat(matches("volume <= 2", row)).isFalse();
        assertThat(matches("volume > 2", row)).isTrue();
    }

    @Test
    void everyComparisonOperatorOnADouble() {
        Object[] row = trade("price", 10.5);
        assertThat(matches("price = 10.5", row)).isTrue();
        assertThat(matches("price <> 10.5", row)).isFalse();
        assertThat(matches("price < 11", row)).isTrue();
        assertThat(matches("price <= 10.5", row)).isTrue();
        assertThat(matches("price > 10", row)).isTrue();
        assertThat(matches("price >= 10.6", row)).isFalse();
        assertThat(matches("price > -1e3", row)).isTrue();
    }

    @Test
    void everyComparisonOperatorOnAString() {
        Object[] row = trade("symbol", "ACME");
        assertThat(matches("symbol = 'ACME'", row)).isTrue();
        assertThat(matches("symbol = 'acme'", row)).isFalse();
        assertThat(matches("symbol <> 'ACME'", row)).isFalse();
        assertThat(matches("symbol < 'B'", row)).isTrue();
        assertThat(matches("symbol <= 'ACME'", row)).isTrue();
        assertThat(matches("symbol > 'ABC'", row)).isTrue();
        assertThat(matches("symbol >= 'ACMF'", row)).isFalse();
        assertThat(matches("symbol = ?", row, "ACME")).isTrue();
    }

    @Test
    void stringLiteralsMayContainQuotes() {
        assertThat(matches("note = 'it''s'", trade("note", "it's"))).isTrue();
    }

    @Test
    void booleansCompareWithTrueAndFalse() {
        assertThat(matches("active = TRUE", trade("active", true))).isTrue();
        assertThat(matches("active = false", trade("active", true))).isFalse();
        assertThat(matches("flag <> ?", trade("flag", true), false)).isTrue();
        assertThat(matches("flag = TRUE", trade())).isFalse();
    }

    @Test
    void enumsCompareWithConstantNamesOrConstants() {
        Object[] row = trade("side", Side.SELL);
        assertThat(matches("side = 'SELL'", row)).isTrue();
        assertThat(matches("side = ?", row, Side.SELL)).isTrue();
        assertThat(matches("side = ?", row, "BUY")).isFalse();
        assertThat(matches("side <> 'BUY'", row)).isTrue();
        assertThat(matches("side > 'BUY'", row)).isTrue();
        assertThat(matches("side IN ('BUY', 'SELL')", row)).isTrue();
    }

    @Test
    void smallAndBigNumericTypesAndCharacters() {
        assertThat(matches("small = 7 AND tiny = -3", trade("small", (short) 7, "tiny", (byte) -3))).isTrue();
        assertThat(matches("big > 9223372036854775807", trade("big", BigInteger.TWO.pow(64)))).isTrue();
        assertThat(matches("big = 5", trade("big", BigInteger.valueOf(5)))).isTrue();
        assertThat(matches("ratio = 0.5", trade("ratio", 0.5f))).isTrue();
        assertThat(matches("ratio = 0.1", trade("ratio", 0.1f))).isTrue();
        assertThat(matches("initial = 'Q'", trade("initial", 'Q'))).isTrue();
        assertThat(matches("initial < ?", trade("initial", 'Q'), 'R')).isTrue();
    }

    @Test
    void bigDecimalPropertiesTakeDecimalLiteralsAsWritten() {
        Object[] row = trade("amount", new BigDecimal("0.10"));
        assertThat(matches("amount = 0.1", row)).isTrue();
        assertThat(matches("amount = ?", row, 0.1)).isTrue();
        assertThat(matches("amount > 0.09999999999999999999", row)).isTrue();
        assertThat(matches("amount < 1", row)).isTrue();
    }

    @Test
    void otherComparableTypesNeedArgumentsOfTheirClass() {
        Object[] row = trade("tradeDate", LocalDate.of(2024, 3, 1));
        assertThat(matches("tradeDate = ?", row, LocalDate.of(2024, 3, 1))).isTrue();
        assertThat(matches("tradeDate BETWEEN ? AND ?", row, LocalDate.of(2024, 1, 1), LocalDate.of(2024, 12, 31))).isTrue();
        assertThat(matches("tradeDate > ?", row, LocalDate.of(2024, 3, 1))).isFalse();
    }

    @Test
    void mixedNumericComparisonsAreExact() {
        assertThat(matches("qty = 5.0", trade("qty", 5))).isTrue();
        assertThat(matches("qty = 5.5", trade("qty", 5))).isFalse();
        assertThat(matches("qty < 5.5", trade("qty", 5))).isTrue();
        assertThat(matches("qty > 4.9", trade("qty", 5))).isTrue();
        assertThat(matches("qty = ?", trade("qty", 5), 5L)).isTrue();
        assertThat(matches("qty < 3000000000", trade("qty", Integer.MAX_VALUE))).isTrue();
        assertThat(matches("price = 3", trade("price", 3.0))).isTrue();
        assertThat(matches("price = ?", trade("price", 3.0), new BigDecimal("3.000"))).isTrue();
        assertThat(matches("volume = 9007199254740993", trade("volume", 9007199254740993L))).isTrue();
        assertThat(matches("volume = ?", trade("volume", 9007199254740993L), 9007199254740992.0)).isFalse();
        assertThat(matches("rank = ?", trade("rank", 2), 2.0)).isTrue();
    }

    @Test
    void andOrNotCombineWithPrecedence() {
        Object[] row = trade("symbol", "A", "qty", 1, "price", 2.0);
        assertThat(matches("symbol = 'X' OR qty = 1 AND price = 2", row)).isTrue();
        assertThat(matches("(symbol = 'X' OR qty = 1) AND price = 3", row)).isFalse();
        assertThat(matches("symbol = 'X' OR qty = 2 AND price = 2", row)).isFalse();
        assertThat(matches("NOT symbol = 'X' AND qty = 1", row)).isTrue();
        assertThat(matches("NOT (symbol = 'A' AND qty = 1)", row)).isFalse();
        assertThat(matches("NOT NOT symbol = 'A'", row)).isTrue();
    }

    @Test
    void comparisonWithNullIsUnknownSoNotDoesNotMatch() {
        Object[] row = trade();
        assertThat(matches("price > 5", row)).isFalse();
        assertThat(matches("NOT price > 5", row)).isFalse();
        assertThat(matches("price <> 5", row)).isFalse();
        assertThat(matches("NOT price = 5", row)).isFalse();
    }

    @Test
    void unknownFollowsSqlThroughAndAndOr() {
        Object[] row = trade("symbol", "A");
        assertThat(matches("price > 5 OR symbol = 'A'", row)).isTrue();
        assertThat(matches("price > 5 OR symbol = 'B'", row)).isFalse();
        assertThat(matches("NOT (price > 5 OR symbol = 'B')", row)).isFalse();
        assertThat(matches("NOT (price > 5 AND symbol = 'B')", row)).isTrue();
        assertThat(matches("NOT (price > 5 AND symbol = 'A')", row)).isFalse();
    }

    @Test
    void inAndNotInFollowSqlWithNullInTheList() {
        Object[] row = trade("qty", 2);
        assertThat(matches("qty IN (1, 2, 3)", row)).isTrue();
        assertThat(matches("qty IN (5)", row)).isFalse();
        assertThat(matches("qty NOT IN (1, 3)", row)).isTrue();
        assertThat(matches("qty NOT IN (1, 2)", row)).isFalse();
        assertThat(matches("qty IN (2, NULL)", row)).isTrue();
        assertThat(matches("qty IN (1, NULL)", row)).isFalse();
        assertThat(matches("NOT qty IN (1, NULL)", row)).isFalse();
        assertThat(matches("qty NOT IN (1, NULL)", row)).isFalse();
        assertThat(matches("qty NOT IN (NULL)", row)).isFalse();
        assertThat(matches("qty IN (NULL)", row)).isFalse();
        assertThat(matches("price IN (1.0, 2.0)", trade())).isFalse();
        assertThat(matches("price NOT IN (1.0, 2.0)", trade())).isFalse();
    }

    @Test
    void longInListsGiveTheSameAnswersAsShortOnes() {
        String ints = "rank IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)";
        assertThat(matches(ints, trade("rank", 7))).isTrue();
        assertThat(matches(ints, trade("rank", 11))).isFalse();
        assertThat(matches("rank IN (1, 2, 3, 4, 5, 6, 7, 8, 9, NULL)", trade("rank", 11))).isFalse();
        assertThat(matches("NOT rank IN (1, 2, 3, 4, 5, 6, 7, 8, 9, NULL)", trade("rank", 11))).isFalse();
        assertThat(matches("extra IN (1, 2, 3, 4, 5, 6, 7, 8, 9)", trade("extra", 7L))).isTrue();
        assertThat(matches("extra IN (1, 2, 3, 4, 5, 6, 7, 8, 9)", trade("extra", 7.5))).isFalse();
        assertThat(matches("extra IN (1, 2, 3, 4, 5, 6, 7, 8, 9)", trade("extra", "7"))).isFalse();
        assertThat(matches("NOT extra IN (1, 2, 3, 4, 5, 6, 7, 8, 9)", trade("extra", "7"))).isFalse();
        assertThat(matches("symbol IN ('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i')", trade("symbol", "h"))).isTrue();
    }

    @Test
    void inWithParametersAndMixedNumerics() {
        assertThat(matches("qty IN (?, ?)", trade("qty", 3), 3L, 4.5)).isTrue();
        assertThat(matches("symbol IN (?, 'B')", trade("symbol", "B"), "A")).isTrue();
        assertThat(matches("qty IN (2.5, 3.5)", trade("qty", 3))).isFalse();
    }

    @Test
    void likeAndNotLikeWithLiteralAndParameterPatterns() {
        Object[] row = trade("symbol", "ACME.B");
        assertThat(matches("symbol LIKE 'AC%'", row)).isTrue();
        assertThat(matches("symbol LIKE 'ac%'", row)).isFalse();
        assertThat(matches("symbol LIKE '%._'", row)).isTrue();
        assertThat(matches("symbol LIKE 'ACME_B'", row)).isTrue();
        assertThat(matches("symbol LIKE ?", row, "%E.%")).isTrue();
        assertThat(matches("symbol NOT LIKE 'X%'", row)).isTrue();
        assertThat(matches("symbol NOT LIKE 'A%'", row)).isFalse();
        assertThat(matches("symbol LIKE '%'", trade())).isFalse();
        assertThat(matches("symbol NOT LIKE '%'", trade())).isFalse();
        assertThat(matches("symbol LIKE ''", trade("symbol", ""))).isTrue();
    }

    @Test
    void isNullAndIsNotNull() {
        assertThat(matches("price IS NULL", trade())).isTrue();
        assertThat(matches("price IS NOT NULL", trade())).isFalse();
        assertThat(matches("price IS NOT NULL", trade("price", 1.0))).isTrue();
        assertThat(matches("NOT price IS NULL", trade("price", 1.0))).isTrue();
    }

    @Test
    void isNullOnAPrimitivePropertyIsAlwaysFalse() {
        assertThat(matches("qty IS NULL", trade())).isFalse();
        assertThat(trades("qty IS NOT NULL").matchesAll()).isTrue();
        assertThat(trades("active IS NULL").matches(trade())).isFalse();
    }

    @Test
    void betweenIsInclusiveAndNotBetweenIsItsComplement() {
        assertThat(matches("qty BETWEEN 1 AND 3", trade("qty", 1))).isTrue();
        assertThat(matches("qty BETWEEN 1 AND 3", trade("qty", 3))).isTrue();
        assertThat(matches("qty BETWEEN 1 AND 3", trade("qty", 4))).isFalse();
        assertThat(matches("qty NOT BETWEEN 1 AND 3", trade("qty", 4))).isTrue();
        assertThat(matches("qty NOT BETWEEN 1 AND 3", trade("qty", 2))).isFalse();
        assertThat(matches("qty BETWEEN 3 AND 1", trade("qty", 2))).isFalse();
        assertThat(matches("price BETWEEN 1 AND 3", trade())).isFalse();
        assertThat(matches("price NOT BETWEEN 1 AND 3", trade())).isFalse();
        assertThat(matches("qty BETWEEN 1 AND 3 AND symbol = 'A'", trade("qty", 2, "symbol", "A"))).isTrue();
        assertThat(matches("price BETWEEN ? AND ?", trade("price", 2.5), 2, 3L)).isTrue();
    }

    @Test
    void incomparableRuntimeValuesAreUnknownNotErrors() {
        Object[] row = trade("extra", "5");
        assertThat(matches("extra = 5", row)).isFalse();
        assertThat(matches("extra <> 5", row)).isFalse();
        assertThat(matches("NOT extra = 5", row)).isFalse();
        assertThat(matches("extra > 5", row)).isFalse();
        assertThat(matches("NOT extra > 5", row)).isFalse();
        assertThat(matches("extra BETWEEN 1 AND 9", row)).isFalse();
        assertThat(matches("extra IN (1, 2)", row)).isFalse();
        assertThat(matches("extra NOT IN (1, 2)", row)).isFalse();
        assertThat(matches("extra LIKE '5'", trade("extra", 5))).isFalse();
        assertThat(matches("extra NOT LIKE '5'", trade("extra", 5))).isFalse();
        assertThat(matches("extra = '5'", row)).isTrue();
        assertThat(matches("extra = 5", trade("extra", 5L))).isTrue();
    }

    @Test
    void untypedPropertiesCompareNonComparableValuesByEquals() {
        assertThat(matches("extra = ?", trade("extra", Map.of("a", 1)), Map.of("a", 1))).isTrue();
        assertThat(matches("extra <> ?", trade("extra", Map.of("a", 1)), Map.of("a", 2))).isTrue();
        assertThat(matches("extra > ?", trade("extra", Map.of("a", 1)), Map.of("a", 0))).isFalse();
        assertThat(matches("extra = ?", trade("extra", new java.util.HashMap<>(Map.of("a", 1))), Map.of("a", 1))).isTrue();
        assertThat(matches("extra = ?", trade("extra", "a"), java.util.List.of("a"))).isFalse();
        assertThat(matches("extra <> ?", trade("extra", "a"), java.util.List.of("a"))).isFalse();
    }

    @Test
    void emptyTextAndOrderByOnlyMatchEverything() {
        assertThat(trades("").matchesAll()).isTrue();
        assertThat(trades("  ").matches(trade())).isTrue();
        assertThat(trades("ORDER BY price").matchesAll()).isTrue();
        assertThat(CompiledQuery.all(Fixtures.TRADE).matches(trade())).isTrue();
        assertThat(trades("price > 1").matchesAll()).isFalse();
    }

    @Test
    void valuesOfASubtypeAreLongerAndStillMatch() {
        Object[] sub = java.util.Arrays.copyOf(trade("symbol", "A"), Fixtures.TRADE.valuesLength() + 3);
        assertThat(matches("symbol = 'A'", sub)).isTrue();
    }
}
