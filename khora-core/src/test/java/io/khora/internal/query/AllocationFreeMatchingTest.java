package io.khora.internal.query;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Map;

import static io.khora.internal.query.Fixtures.product;
import static io.khora.internal.query.Fixtures.products;
import static io.khora.internal.query.Fixtures.trade;
import static io.khora.internal.query.Fixtures.trades;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AllocationFreeMatchingTest {
    private static final int CALLS = 50_000;

    @Test
    void matchingDoesNotAllocate() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs per-thread allocation counters");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "needs per-thread allocation counters");

        CompiledQuery trade = trades("symbol = 'A' AND (price > 5 OR qty IN (1, 2, 3)) AND note LIKE 'a%b_c'"
                + " AND address.city = 'Paris' AND NOT volume BETWEEN 1 AND 2 AND side <> 'BUY' AND extra.desk = 'x'");
        Object[] tradeRow = trade("symbol", "A", "price", 6.0, "note", "axxbyc", "address", new Fixtures.Address("Paris", 1),
                "volume", 7L, "side", Fixtures.Side.SELL, "extra", Map.of("desk", "x"));
        CompiledQuery product = products("color = 'red' AND size >= 2 AND category IN ('toys', 'games') AND price IS NOT NULL");
        Object[] productRow = product("category", "toys", "price", 1.0, "color", "red", "size", 3L);
        assertThat(trade.matches(tradeRow)).isTrue();
        assertThat(product.matches(productRow)).isTrue();

        long thread = Thread.currentThread().getId();
        int hits = run(trade, tradeRow, product, productRow);
        long before = threads.getThreadAllocatedBytes(thread);
        hits += run(trade, tradeRow, product, productRow);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(hits).isEqualTo(4 * CALLS);
        assertThat(allocated).as("bytes allocated by %s matches", 2 * CALLS).isLessThan(16 * 1024);
    }

    private static int run(CompiledQuery a, Object[] aRow, CompiledQuery b, Object[] bRow) {
        int hits = 0;
        for (int i = 0; i < CALLS; i++) {
            hits += a.matches(aRow) ? 1 : 0;
            hits += b.matches(bRow) ? 1 : 0;
        }
        return hits;
    }
}
