package io.khora.internal.query;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.khora.internal.query.Fixtures.product;
import static io.khora.internal.query.Fixtures.products;
import static io.khora.internal.query.Fixtures.trade;
import static io.khora.internal.query.Fixtures.trades;
import static org.assertj.core.api.Assertions.assertThat;

class OrderingTest {
    private static List<Object> sortedIds(Comparator<Object[]> ordering, Object[]... rows) {
        List<Object[]> list = new ArrayList<>(List.of(rows));
        list.sort(ordering);
        List<Object> ids = new ArrayList<>();
        for (Object[] row : list) {
            ids.add(row[0]);
        }
        return ids;
    }

    private static final Object[] A = trade("id", "a", "price", 2.0, "symbol", "X");
    private static final Object[] B = trade("id", "b", "price", null, "symbol", "Y");
    private static final Object[] C = trade("id", "c", "price", 1.0, "symbol", "Y");
    private static final Object[] D = trade("id", "d", "price", 2.0, "symbol", "Y");

    @Test
    void noOrderByMeansNoOrdering() {
        assertThat(trades("price > 1").ordering()).isNull();
    }

    @Test
    void ascendingPutsNullsLast() {
        assertThat(sortedIds(trades("ORDER BY price").ordering(), A, B, C)).containsExactly("c", "a", "b");
        assertThat(sortedIds(trades("ORDER BY price ASC").ordering(), B, A, C)).containsExactly("c", "a", "b");
    }

    @Test
    void descendingPutsNullsFirst() {
        assertThat(sortedIds(trades("ORDER BY price DESC").ordering(), A, B, C)).containsExactly("b", "a", "c");
    }

    @Test
    void laterKeysBreakTies() {
        Comparator<Object[]> ordering = trades("symbol = 'Y' OR symbol = 'X' ORDER BY price DESC, symbol DESC").ordering();
        assertThat(sortedIds(ordering, A, B, C, D)).containsExactly("b", "d", "a", "c");
        assertThat(sortedIds(trades("ORDER BY symbol, id DESC").ordering(), A, B, C, D)).containsExactly("a", "d", "c", "b");
    }

    @Test
    void orderingByNestedAndDynamicProperties() {
        Object[] paris = trade("id", "p", "address", new Fixtures.Address("Paris", 1));
        Object[] lyon = trade("id", "l", "address", new Fixtures.Address("Lyon", 2));
        Object[] none = trade("id", "n");
        assertThat(sortedIds(trades("ORDER BY address.city").ordering(), paris, none, lyon)).containsExactly("l", "p", "n");
        Object[] small = product("sku", "s", "size", 1);
        Object[] big = product("sku", "b", "size", 10L);
        Object[] text = product("sku", "t", "size", "large");
        Object[] missing = product("sku", "m");
        assertThat(sortedIds(products("ORDER BY size").ordering(), text, missing, big, small))
                .containsExactly("s", "b", "t", "m");
    }
}
