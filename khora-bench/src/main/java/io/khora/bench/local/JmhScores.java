package io.khora.bench.local;

import io.khora.bench.peer.Contestant;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** JMH results by (benchmark method, threads, contestant). */
final class JmhScores {
    /** The GC profiler's normalized allocation rate: bytes allocated per operation. */
    static final String ALLOCATION = "gc.alloc.rate.norm";

    /**
     * One score.
     *
     * @param score ops/s
     * @param error JMH's 99.9% confidence half-width (NaN with fewer than 2 iterations)
     * @param allocatedBytes bytes allocated per operation (JMH's GC profiler), NaN if not profiled
     */
    record Score(double score, double error, double allocatedBytes) {
        /** The error as a fraction of the score. */
        double relativeError() {
            return Double.isNaN(error) || score == 0 ? Double.NaN : error / score;
        }
    }

    private final Map<String, Score> scores = new HashMap<>();

    /**
     * A measured combination.
     *
     * @param benchmark the benchmark's full name (class and method)
     * @param method the method's name
     * @param threads the thread count
     * @param contestant the contestant
     */
    record Combo(String benchmark, String method, int threads, Contestant contestant) {
    }

    private final Map<String, Combo> combos = new HashMap<>();

    /**
     * Adds the primary results of a JMH run. A combination measured before keeps the measurement
     * with the smaller relative error (a re-measurement replaces a disturbed one).
     */
    void addAll(Collection<RunResult> results) {
        for (RunResult r : results) {
            String benchmark = r.getParams().getBenchmark();
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            Contestant c = Contestant.of(r.getParams().getParam("contestant"));
            int threads = r.getParams().getThreads();
            Result<?> primary = r.getPrimaryResult();
            Result<?> alloc = r.getSecondaryResults().get(ALLOCATION);
            Score fresh = new Score(primary.getScore(), primary.getScoreError(), alloc == null ? Double.NaN : alloc.getScore());
            String key = key(method, threads, c);
            combos.put(key, new Combo(benchmark, method, threads, c));
            scores.merge(key, fresh, (old, now) -> quietness(now) < quietness(old) ? now : old);
        }
    }

    /** A score's relative error for comparisons: a missing error counts as the worst. */
    private static double quietness(Score s) {
        double e = s.relativeError();
        return Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
    }

    /** The combinations whose relative error exceeds {@code bound}, widest first. */
    java.util.List<Combo> noisierThan(double bound) {
        return scores.entrySet().stream()
                .filter(e -> e.getValue().relativeError() > bound)
                .sorted((a, b) -> Double.compare(b.getValue().relativeError(), a.getValue().relativeError()))
                .map(e -> combos.get(e.getKey()))
                .toList();
    }

    /** The score, or null if that combination did not run. */
    Score get(String method, int threads, Contestant c) {
        return scores.get(key(method, threads, c));
    }

    /** The ratio of two contestants' scores (NaN if either is missing). */
    double ratio(String method, int threads, Contestant a, Contestant b) {
        Score x = get(method, threads, a);
        Score y = get(method, threads, b);
        return x == null || y == null || y.score() == 0 ? Double.NaN : x.score() / y.score();
    }

    /** The largest relative error of any score (NaN if none has one). */
    double worstRelativeError() {
        return scores.values().stream().mapToDouble(Score::relativeError).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
    }

    /** The median relative error of the scores (NaN if none has one). */
    double medianRelativeError() {
        double[] e = scores.values().stream().mapToDouble(Score::relativeError).filter(d -> !Double.isNaN(d)).sorted().toArray();
        return e.length == 0 ? Double.NaN : e[e.length / 2];
    }

    private static String key(String method, int threads, Contestant c) {
        return method + "/" + threads + "/" + c.key();
    }
}
