package io.khora.internal.query;

import io.khora.annotation.SpaceIndexType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static io.khora.internal.query.Fixtures.products;
import static io.khora.internal.query.Fixtures.trade;
import static io.khora.internal.query.Fixtures.trades;
import static org.assertj.core.api.Assertions.assertThat;

class PlannerTest {
    private static final Plan SCAN = new Plan.Scan();

    private static Plan plan(String text, Object... args) {
        return trades(text, args).plan();
    }

    private static Plan.IndexEq eq(String property, int position, Object... keys) {
        return new Plan.IndexEq(property, position, List.of(keys));
    }

    private static Plan.IndexRange range(String property, int position, Object low, boolean lowIn, Object high, boolean highIn) {
        return new Plan.IndexRange(property, position, low, lowIn, high, highIn);
    }

    @Test
    void idEqualityIsPreferredEvenWithoutAnIndex() {
        assertThat(plan("symbol = 'A' AND id = 'T1'")).isEqualTo(eq("id", 0, "T1"));
        assertThat(plan("side IN ('BUY') AND id IN ('T1', 'T2', 'T3')")).isEqualTo(eq("id", 0, "T1", "T2", "T3"));
    }

    @Test
    void amongOtherEqualitiesTheFewestKeysWin() {
        assertThat(plan("symbol IN ('A', 'B', 'C') AND side IN ('BUY')")).isEqualTo(eq("side", 6, Fixtures.Side.BUY));
    }

    @Test
    void equalityKeysAreCoercedDedupedAndUnrepresentableOnesDropped() {
        assertThat(plan("rank IN (1, 1.0, 2, ?, 2.5, NULL)", 2L)).isEqualTo(eq("rank", 21, 1, 2));
        assertThat(plan("code = 5")).isEqualTo(eq("code", 23, 5L));
        assertThat(plan("price = 3")).isEqualTo(eq("price", 2, 3.0));
    }

    @Test
    void anEqualityThatCannotMatchPlansToNothing() {
        assertThat(plan("symbol = 'A' AND id = 'x' AND qty = 5.5")).isEqualTo(eq("qty", 3));
        assertThat(plan("qty IN (NULL)")).isEqualTo(eq("id", 0));
        assertThat(plan("qty IS NULL")).isEqualTo(eq("id", 0));
        assertThat(plan("rank IN (0.5, 1.5)")).isEqualTo(eq("rank", 21));
    }

    @Test
    void equalityOnAPropertyWithoutIndexScans() {
        assertThat(plan("note = 'x'")).isEqualTo(SCAN);
        assertThat(plan("volume = 5")).isEqualTo(SCAN);
    }

    @Test
    void notEqualAndNegatedConditionsAreNotIndexable() {
        assertThat(plan("symbol <> 'A'")).isEqualTo(SCAN);
        assertThat(plan("NOT symbol = 'A'")).isEqualTo(SCAN);
        assertThat(plan("NOT price > 5")).isEqualTo(SCAN);
        assertThat(plan("symbol NOT IN ('A')")).isEqualTo(SCAN);
        assertThat(plan("NOT id = 'x'")).isEqualTo(SCAN);
        assertThat(plan("price NOT BETWEEN 1 AND 2")).isEqualTo(SCAN);
        assertThat(plan("symbol LIKE 'A%'")).isEqualTo(SCAN);
    }

    @Test
    void comparisonsOnAnOrderedPropertyBecomeARange() {
        assertThat(plan("price > 5")).isEqualTo(range("price", 2, 5.0, false, null, false));
        assertThat(plan("price <= ?", 7)).isEqualTo(range("price", 2, null, false, 7.0, true));
        assertThat(plan("5 > price")).isEqualTo(range("price", 2, null, false, 5.0, false));
        assertThat(plan("qty BETWEEN 1 AND 10")).isEqualTo(range("qty", 3, 1, true, 10, true));
        assertThat(plan("qty > 2.5")).isEqualTo(range("qty", 3, 2.5, false, null, false));
    }

    @Test
    void rangesOnOnePropertyAreMerged() {
        assertThat(plan("price > 5 AND price <= 10 AND price >= 6")).isEqualTo(range("price", 2, 6.0, true, 10.0, true));
        assertThat(plan("price >= 5 AND price > 5")).isEqualTo(range("price", 2, 5.0, false, null, false));
        assertThat(plan("price BETWEEN 1 AND 9 AND price < 9")).isEqualTo(range("price", 2, 1.0, true, 9.0, false));
        assertThat(plan("price >= 5 AND price <= 5")).isEqualTo(range("price", 2, 5.0, true, 5.0, true));
    }

    @Test
    void contradictoryRangesPlanToNothing() {
        assertThat(plan("price > 10 AND price < 5")).isEqualTo(eq("price", 2));
        assertThat(plan("price > 5 AND price < 5")).isEqualTo(eq("price", 2));
        assertThat(plan("qty BETWEEN 3 AND 1")).isEqualTo(eq("qty", 3));
    }

    @Test
    void aTwoSidedRangeIsPreferredAndEqualityBeatsRanges() {
        assertThat(plan("qty > 1 AND price BETWEEN 1 AND 2")).isEqualTo(range("price", 2, 1.0, true, 2.0, true));
        assertThat(plan("price > 1 AND symbol = 'A'")).isEqualTo(eq("symbol", 1, "A"));
    }

    @Test
    void rangesNeedAnOrderedIndex() {
        assertThat(plan("symbol > 'A'")).isEqualTo(SCAN);
        assertThat(plan("volume > 5")).isEqualTo(SCAN);
    }

    @Test
    void nestedAndDynamicPathsAreNotIndexable() {
        assertThat(plan("address.city = 'x'")).isEqualTo(SCAN);
        assertThat(products("color = 'red'").plan()).isEqualTo(SCAN);
        assertThat(products("category = 'toys'").plan()).isEqualTo(eq("category", 1, "toys"));
    }

    @Test
    void orOfIndexableDisjunctsIsAUnion() {
        assertThat(plan("symbol = 'A' OR price > 5")).isEqualTo(new Plan.Union(List.of(
                eq("symbol", 1, "A"), range("price", 2, 5.0, false, null, false))));
        assertThat(plan("(symbol = 'A' AND note = 'x') OR id = 'b'")).isEqualTo(new Plan.Union(List.of(
                eq("symbol", 1, "A"), eq("id", 0, "b"))));
    }

    @Test
    void unionPartsOnOneHashedPropertyAreMerged() {
        assertThat(plan("id = 'a' OR id = 'b' OR id IN ('a', 'c')")).isEqualTo(eq("id", 0, "a", "b", "c"));
        assertThat(plan("id = 'a' OR qty = 0.5")).isEqualTo(eq("id", 0, "a"));
    }

    @Test
    void orWithANonIndexableSideScans() {
        assertThat(plan("symbol = 'A' OR note = 'x'")).isEqualTo(SCAN);
        assertThat(plan("symbol = 'A' OR NOT side = 'BUY'")).isEqualTo(SCAN);
    }

    @Test
    void aTopLevelConjunctThatIsAnIndexableOrGivesAUnion() {
        assertThat(plan("(symbol = 'A' OR side = 'BUY') AND note = 'x'")).isEqualTo(new Plan.Union(List.of(
                eq("symbol", 1, "A"), eq("side", 6, Fixtures.Side.BUY))));
        assertThat(plan("(symbol = 'A' OR side = 'BUY') AND id = 'x'")).isEqualTo(eq("id", 0, "x"));
    }

    @Test
    void bigDecimalEqualityUsesTheOrderedIndexBecauseEqualsSeesTheScale() {
        assertThat(plan("amount = 2.50")).isEqualTo(range("amount", 8, new BigDecimal("2.50"), true, new BigDecimal("2.50"), true));
        assertThat(plan("amount IN (1, 2)")).isEqualTo(new Plan.Union(List.of(
                range("amount", 8, BigDecimal.ONE, true, BigDecimal.ONE, true),
                range("amount", 8, BigDecimal.valueOf(2), true, BigDecimal.valueOf(2), true))));
    }

    @Test
    void numbersOnUntypedPropertiesAvoidHashIndexes() {
        assertThat(plan("extra = 5")).isEqualTo(range("extra", 12, 5, true, 5, true));
        assertThat(plan("extra = 'x'")).isEqualTo(eq("extra", 12, "x"));
        assertThat(plan("tag = 5")).isEqualTo(SCAN);
        assertThat(plan("tag = 'x'")).isEqualTo(eq("tag", 22, "x"));
    }

    @Test
    void orderedIndexesServeOnlyComparableKeys() {
        assertThat(plan("extra = ?", List.of(1))).isEqualTo(SCAN);
        assertThat(plan("extra IN (?, ?)", List.of(1), List.of(2))).isEqualTo(SCAN);
        assertThat(plan("extra > ?", List.of(1))).isEqualTo(SCAN);
        assertThat(plan("tag = ?", List.of(1))).isEqualTo(eq("tag", 22, List.of(1)));
    }

    @Test
    void boundsOfIncomparableKindsPlanToNothing() {
        assertThat(plan("extra > 5 AND extra < 'x'")).isEqualTo(eq("extra", 12));
        assertThat(plan("extra BETWEEN 1 AND 'x'")).isEqualTo(eq("extra", 12));
    }

    @Test
    void matchAllPlansToAScan() {
        assertThat(plan("")).isEqualTo(SCAN);
        assertThat(plan("qty IS NOT NULL")).isEqualTo(SCAN);
    }

    @Test
    void routingValueComesFromATopLevelEqualityOnTheRoutingProperty() {
        assertThat(trades("region = 'EU' AND price > 5").routingValue()).isEqualTo("EU");
        assertThat(trades("price > 5 AND region = ?", "US").routingValue()).isEqualTo("US");
        assertThat(trades("region = 'EU' OR price > 5").routingValue()).isNull();
        assertThat(trades("NOT region = 'EU'").routingValue()).isNull();
        assertThat(trades("region IN ('EU', 'US')").routingValue()).isNull();
        assertThat(trades("region > 'EU'").routingValue()).isNull();
        assertThat(trades("price > 5").routingValue()).isNull();
        assertThat(trades("").routingValue()).isNull();
        assertThat(products("category = 'toys' AND color = 'red'").routingValue()).isEqualTo("toys");
    }

    /**
     * Whether an engine finds the row: hash lookups by equals; an IndexEq on an ordered property
     * both by equals and by Values.ORDER (an engine may serve it either way); ranges by Values.ORDER.
     */
    private static boolean isCandidate(Plan plan, Object[] row) {
        if (plan instanceof Plan.Scan) {
            return true;
        }
        if (plan instanceof Plan.IndexEq eq) {
            Object v = row[eq.position()];
            boolean byEquals = new HashSet<>(eq.keys()).contains(v);
            if (eq.position() == Fixtures.TRADE.idIndex()
                    || Fixtures.TRADE.property(eq.position()).index() != SpaceIndexType.ORDERED) {
                return byEquals;
            }
            boolean byOrder = v != null && eq.keys().stream().anyMatch(k -> Values.ORDER.compare(v, k) == 0);
            return byEquals && byOrder;
        }
        if (plan instanceof Plan.IndexRange r) {
            Object v = row[r.position()];
            if (v == null) {
                return false;
            }
            int lo = r.low() == null ? 1 : Values.ORDER.compare(v, r.low());
            int hi = r.high() == null ? -1 : Values.ORDER.compare(v, r.high());
            return (lo > 0 || lo == 0 && r.lowInclusive()) && (hi < 0 || hi == 0 && r.highInclusive());
        }
        for (Plan part : ((Plan.Union) plan).parts()) {
            if (isCandidate(part, row)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void planIsAlwaysASupersetOfTheMatches() {
        List<Object[]> rows = new ArrayList<>();
        Object[] prices = {null, -0.0, 0.0, Double.NaN, 5.0, 5.5, Double.NEGATIVE_INFINITY};
        Object[] amounts = {null, new BigDecimal("2.5"), new BigDecimal("2.50"), new BigDecimal("2.500"), BigDecimal.ONE};
        Object[] extras = {null, 5, 5L, 5.0, new BigDecimal("5.0"), "5", (short) 5, new ArrayList<>(List.of(1))};
        for (int i = 0; i < 8; i++) {
            rows.add(trade("id", "t" + i, "price", prices[i % prices.length], "amount", amounts[i % amounts.length],
                    "extra", extras[i], "tag", extras[i], "qty", i % 6, "rank", i % 3 == 0 ? null : i,
                    "code", (long) i, "symbol", i % 2 == 0 ? "A" : "B"));
        }
        String[] queries = {
            "price = 0", "price = -0.0", "price >= 0", "price < 0", "price = 0.0 OR price = 5", "price > 5 AND price <= 5.5",
            "price IN (5, 5.5)", "price BETWEEN -1 AND 5", "price < 1e308", "price > 4.999999", "amount = 2.5",
            "amount IN (2.5, 3)", "amount BETWEEN 2.5 AND 2.5", "amount > 1 AND amount <= 2.5", "extra = 5",
            "extra IN (5, '5')", "extra > 4", "extra >= '5'", "extra = 5 OR extra = '5'", "tag = 5", "tag = '5'",
            "tag IN (5, 5.0)", "qty = 5.0", "qty IN (5, 5.5)", "qty > 2.5 AND qty <= 4", "code = 5", "code IN (1, 2.0)",
            "code > 4.5 AND code < 5.5", "rank = 4", "rank IN (1, 2, 4.0)", "symbol = 'A' AND (qty = 2 OR price > 0)",
            "(id = 't1' OR qty = 3) AND symbol = 'B'", "id IN ('t1', 't9') OR code BETWEEN 6 AND 7",
            "extra = 5 OR tag = 5", "extra >= 5 AND extra <= 5.0", "extra = ? OR tag = ?",
        };
        for (String text : queries) {
            CompiledQuery q = text.contains("?") ? trades(text, List.of(1), new ArrayList<>(List.of(1))) : trades(text);
            int matched = 0;
            for (Object[] row : rows) {
                if (q.matches(row)) {
                    matched++;
                    assertThat(isCandidate(q.plan(), row)).as("plan %s of '%s' finds row %s", q.plan(), text, row[0]).isTrue();
                }
            }
            assertThat(matched).as("some row matches '%s'", text).isPositive();
        }
    }
}
