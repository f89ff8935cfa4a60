package io.khora.bench.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark data set, a pure function of the id so every contestant holds the same entries:
 * {@code symbol} from a pool of {@value #SYMBOLS} shared strings, {@code price = id × 0.25} (unique
 * and exact in binary, so a price range of {@link #rangeWidth(int) n − 1 steps} holds exactly n
 * entries), {@code trader = "trader-<id>"} (a new, unique string per entry).
 */
public final class TradeData {
    /** Number of distinct symbols. */
    public static final int SYMBOLS = 64;
    /** Distance between the prices of consecutive ids. */
    public static final double PRICE_STEP = 0.25;

    private static final String[] SYMBOL_POOL = new String[SYMBOLS];
    private static final long EPOCH_MILLIS = 1_700_000_000_000L;

    static {
        for (int i = 0; i < SYMBOLS; i++) {
            SYMBOL_POOL[i] = "SYM" + i;
        }
    }

    private TradeData() {
    }

    /** The shared symbol of {@code id}. */
    public static String symbol(long id) {
        return SYMBOL_POOL[(int) Math.floorMod(id, (long) SYMBOLS)];
    }

    /** The price of {@code id}. */
    public static double price(long id) {
        return id * PRICE_STEP;
    }

    /** A fresh trader string for {@code id}. */
    public static String trader(long id) {
        return "trader-" + id;
    }

    /** The quantity of {@code id}. */
    public static int quantity(long id) {
        return (int) (id % 1_000) + 1;
    }

    /** The timestamp of {@code id}. */
    public static long timestamp(long id) {
        return EPOCH_MILLIS + id;
    }

    /** The width of an inclusive price range holding exactly {@code n} consecutive ids. */
    public static double rangeWidth(int n) {
        return (n - 1) * PRICE_STEP;
    }

    /** The unindexed trade of {@code id}. */
    public static PlainTrade plain(long id) {
        return new PlainTrade(id, symbol(id), price(id), quantity(id), trader(id), timestamp(id));
    }

    /** The indexed trade of {@code id}. */
    public static IndexedTrade indexed(long id) {
        return new IndexedTrade(id, symbol(id), price(id), quantity(id), trader(id), timestamp(id));
    }

    /** Unindexed trades with ids {@code from} (inclusive) to {@code to} (exclusive). */
    public static List<PlainTrade> plainRange(long from, long to) {
        List<PlainTrade> out = new ArrayList<>((int) (to - from));
        for (long id = from; id < to; id++) {
            out.add(plain(id));
        }
        return out;
    }

    /** Indexed trades with ids {@code from} (inclusive) to {@code to} (exclusive). */
    public static List<IndexedTrade> indexedRange(long from, long to) {
        List<IndexedTrade> out = new ArrayList<>((int) (to - from));
        for (long id = from; id < to; id++) {
            out.add(indexed(id));
        }
        return out;
    }
}
