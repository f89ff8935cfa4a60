package io.khora.bench.paired;

import io.khora.Space;
import io.khora.bench.ChildJvm;
import io.khora.bench.model.PlainTrade;
import io.khora.bench.model.TradeData;
import io.khora.bench.peer.KhoraSpaces;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Child-JVM main: the by-id targets' ratios measured in pairs, as a cross-check of the JMH
 * ratios on a machine shared with other work. Khora and a {@code ConcurrentHashMap} holding the
 * same entries live in one JVM; each round runs Khora's operation and the map's for one slice
 * each, back to back (in ABBA order, so a drift cancels), and the round's ratio is Khora's rate
 * over the map's. Interference that lasts longer than a slice hits both sides of a round alike,
 * so the median of the rounds' ratios stays put when the absolute rates do not.
 *
 * <p>Arguments: entries, rounds, slice milliseconds. Prints a {@link ChildJvm#RESULT} line with
 * the median and quartiles of the ratio for {@code readById} and {@code update} at one thread.
 */
public final class PairedRatioProbe {
    private static final int KEYS = 1 << 14;

    private PairedRatioProbe() {
    }

    public static void main(String[] args) throws Exception {
        int entries = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        long sliceNanos = Long.parseLong(args[2]) * 1_000_000L;
        ConcurrentHashMap<Long, PlainTrade> map = new ConcurrentHashMap<>();
        Map<String, Object> result = new LinkedHashMap<>();
        try (Space space = KhoraSpaces.start("bench-paired")) {
            List<PlainTrade> all = TradeData.plainRange(0, entries);
            space.writeMultiple(all);
            all.forEach(t -> map.put(t.getId(), t));
            Long[] ids = new Long[KEYS];
            PlainTrade[] updates = new PlainTrade[KEYS];
            SplittableRandom r = new SplittableRandom(42);
            for (int i = 0; i < KEYS; i++) {
                ids[i] = (long) r.nextInt(entries);
                updates[i] = TradeData.plain(ids[i]);
                updates[i].setQuantity(updates[i].getQuantity() + 1);
            }
            // each operation has its own loop (a Batch subclass), so its call inlines into it as in JMH
            Batch khoraRead = new Batch() {
                @Override
                long run(int from) {
                    long acc = 0;
                    for (int i = from; i < from + SIZE; i++) {
                        acc += space.readById(PlainTrade.class, ids[i & (KEYS - 1)]).getQuantity();
                    }
                    return acc;
                }
            };
            Batch mapRead = new Batch() {
                @Override
                long run(int from) {
                    long acc = 0;
                    for (int i = from; i < from + SIZE; i++) {
                        acc += map.get(ids[i & (KEYS - 1)]).getQuantity();
                    }
                    return acc;
                }
            };
            Batch khoraUpdate = new Batch() {
                @Override
                long run(int from) {
                    for (int i = from; i < from + SIZE; i++) {
                        space.write(updates[i & (KEYS - 1)]);
                    }
                    return from;
                }
            };
            Batch mapUpdate = new Batch() {
                @Override
                long run(int from) {
                    for (int i = from; i < from + SIZE; i++) {
                        PlainTrade t = updates[i & (KEYS - 1)];
                        map.put(t.getId(), t);
                    }
                    return from;
                }
            };
            put(result, "readById", pairs(khoraRead, mapRead, rounds, sliceNanos));
            put(result, "update", pairs(khoraUpdate, mapUpdate, rounds, sliceNanos));
        }
        System.out.println(ChildJvm.resultLine(result));
        System.exit(0);
    }

    private static void put(Map<String, Object> result, String op, double[] ratios) {
        Arrays.sort(ratios);
        result.put(op + ".p25", fmt(ratios[ratios.length / 4]));
        result.put(op + ".median", fmt(ratios[ratios.length / 2]));
        result.put(op + ".p75", fmt(ratios[ratios.length * 3 / 4]));
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }

    /** Warm-up (a third of the rounds, discarded), then the rounds' ratios. */
    private static double[] pairs(Batch khora, Batch limit, int rounds, long sliceNanos) {
        for (int i = 0; i < Math.max(3, rounds / 3); i++) {
            rate(khora, sliceNanos);
            rate(limit, sliceNanos);
        }
        double[] ratios = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            if (i % 2 == 0) {
                double k = rate(khora, sliceNanos);
                ratios[i] = k / rate(limit, sliceNanos);
            } else {
                double l = rate(limit, sliceNanos);
                ratios[i] = rate(khora, sliceNanos) / l;
            }
        }
        return ratios;
    }

    private static long sink;

    /** Operations per second of {@code op} over one slice. */
    private static double rate(Batch op, long sliceNanos) {
        long start = System.nanoTime();
        long end = start + sliceNanos;
        long acc = 0;
        int n = 0;
        long now;
        do {
            acc += op.run(n);
            n += Batch.SIZE;
            now = System.nanoTime();
        } while (now < end);
        sink += acc;
        return n / ((now - start) / 1e9);
    }

    /** {@value #SIZE} operations of one kind. */
    private abstract static class Batch {
        static final int SIZE = 1024;

        /** Runs operations {@code from} to {@code from + SIZE}; returns something derived from their results. */
        abstract long run(int from);
    }
}
