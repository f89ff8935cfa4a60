package io.khora.bench.persistence;

import io.khora.bench.ChildJvm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Child-JVM main: measures {@link Mechanism}s against the run's PostgreSQL over several rounds,
 * interleaved — round 1 of every mechanism, then round 2 of every mechanism, … — so that other
 * work on the machine falls on all of them alike and the rounds of one index can be compared as
 * pairs (a full GC before every round, outside the timing). Every mechanism is opened (its set-up
 * done) before the first round and closed after the last. Prints one
 * {@link ChildJvm#RESULT} line with, per mechanism key, {@code key.best} (rows/s of the fastest
 * round: the first rounds warm the JIT up, and interference from other work only ever slows a
 * round down), {@code key.rounds} (every round's rows/s), and the best round's CPU µs per row of
 * this JVM and of the server ({@code key.jvmCpu}, {@code key.serverCpu}) and further rates
 * ({@code key.<name>}).
 *
 * <p>Arguments: load database, write database (each "port/name"), rows to load, rows to write,
 * rounds, outbox directory, then the mechanism keys ({@link PersistenceFamily.Row}).
 */
public final class PersistenceProbe {
    private static final Logger LOG = LoggerFactory.getLogger(PersistenceProbe.class);

    private PersistenceProbe() {
    }

    public static void main(String[] args) throws Exception {
        Database load = Database.parse(args[0]);
        Database write = Database.parse(args[1]);
        long rows = Long.parseLong(args[2]);
        long writes = Long.parseLong(args[3]);
        int rounds = Integer.parseInt(args[4]);
        Path outboxes = Path.of(args[5]);
        List<String> keys = List.of(args).subList(6, args.length);
        CpuMeter cpu = CpuMeter.of(load);
        Map<String, Mechanism> mechanisms = new LinkedHashMap<>();
        Map<String, List<Mechanism.Round>> measured = new LinkedHashMap<>();
        SessionFactories factories = new SessionFactories();
        try {
            for (String key : keys) {
                mechanisms.put(key, open(key, load, write, factories, rows, writes, outboxes));
                measured.put(key, new ArrayList<>());
            }
            for (int r = 0; r < rounds; r++) {
                for (String key : keys) {
                    System.gc();
                    Mechanism.Round round = mechanisms.get(key).round(r, cpu);
                    LOG.info("{} round {}: {} rows in {} ms, {} rows/s, CPU µs/row {} here + {} PostgreSQL {}", key, r + 1,
                            round.rows(), round.nanos() / 1_000_000, Math.round(round.rate()), format(round.jvmCpu()),
                            format(round.serverCpu()), round.rates());
                    measured.get(key).add(round);
                }
            }
        } finally {
            for (Mechanism m : mechanisms.values()) {
                m.close();
            }
            factories.close();
        }
        Map<String, Object> result = new LinkedHashMap<>();
        measured.forEach((key, list) -> {
            Mechanism.Round best = list.stream().max(Comparator.comparingDouble(Mechanism.Round::rate)).orElseThrow();
            result.put(key + ".best", format(best.rate()));
            result.put(key + ".rows", best.rows());
            result.put(key + ".rounds", list.stream().map(r -> format(r.rate())).collect(Collectors.joining(",")));
            result.put(key + ".jvmCpu", format(best.jvmCpu()));
            result.put(key + ".serverCpu", format(best.serverCpu()));
            best.rates().forEach((name, v) -> result.put(key + "." + name, format(v)));
        });
        System.out.println(ChildJvm.resultLine(result));
        System.exit(0);
    }

    /** The mechanism of {@code key}, opened (its set-up done). */
    static Mechanism open(String key, Database load, Database write, SessionFactories factories, long rows, long writes,
                          Path outboxes) {
        return switch (key) {
            case "jdbc-scan" -> new JdbcScan(load, rows);
            case "khora-load-1" -> new KhoraInitialLoad(factories.of(load), 1, rows);
            case "khora-load-4" -> new KhoraInitialLoad(factories.of(load), 4, rows);
            case "hz-load" -> new HazelcastEagerLoad(load, rows);
            case "jdbc-insert" -> new JdbcBatchWrite(write, writes, WriteStatement.INSERT, false);
            case "jdbc-insert-rewrite" -> new JdbcBatchWrite(write, writes, WriteStatement.INSERT, true);
            case "jdbc-merge" -> new JdbcBatchWrite(write, writes, WriteStatement.MERGE, true);
            case "jdbc-upsert-rewrite" -> new JdbcBatchWrite(write, writes, WriteStatement.INSERT_ON_CONFLICT, true);
            case "copy-insert" -> new CopyInsert(write, writes);
            case "khora-wb-1" -> new KhoraWriteBehind(write, factories.of(write), 1, writes, outboxes);
            case "khora-wb-4" -> new KhoraWriteBehind(write, factories.of(write), 4, writes, outboxes);
            default -> throw new IllegalArgumentException("unknown persistence mechanism '" + key + "'");
        };
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, Math.abs(v) < 100 ? "%.3f" : "%.1f", v);
    }
}
