package io.khora.bench.persistence;

import io.khora.bench.ChildJvm;
import io.khora.bench.JvmFlags;
import io.khora.bench.Quiet;
import io.khora.bench.SuiteMode;
import io.khora.bench.SuiteSettings;
import io.khora.bench.family.BenchmarkFamily;
import io.khora.bench.family.FamilyResult;
import io.khora.bench.family.TargetCheck;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Persistence against PostgreSQL: Khora's initial load (1 and 4 partitions) against a plain JDBC
 * streaming {@code SELECT} (the limit) and Hazelcast's EAGER {@code MapLoader} (the peer), and
 * Khora's write-behind (1 and 4 partitions) against a plain JDBC batch insert (the limit), with the
 * rewritten batch insert, the two upsert statements (Hibernate's {@code MERGE}, PostgreSQL's
 * {@code INSERT … ON CONFLICT}) and {@code COPY} as context, and every contestant's CPU time per row
 * on both ends, which is where the report's "why" comes from. The family starts one embedded PostgreSQL 15
 * ({@link BenchPostgres}) and fills the load table with {@code COPY} (set-up, not timed); then
 * {@link PersistenceProbe} measures every mechanism in one fresh JVM, in interleaved rounds, so
 * that other work on this shared machine hits all of them alike; each target is also checked on
 * the median of its rounds' paired ratios.
 */
public final class PersistenceFamily implements BenchmarkFamily {
    /** The family's id (also {@code -Dexec.args="full persistence"}). */
    public static final String ID = "persistence";
    static final String LOAD_TARGET = "initial load ≥ 0.75× a plain JDBC streaming SELECT";
    static final double LOAD_BOUND = 0.75;
    static final String WRITE_TARGET = "write-behind ≥ 1.0× a plain JDBC batch insert";
    static final double WRITE_BOUND = 1.0;

    /**
     * A mechanism as the report shows it.
     *
     * @param key the probe's key
     * @param label the table's label
     * @param chartLabel the chart's label
     */
    record Row(String key, String label, String chartLabel) {
    }

    static final Row JDBC_SCAN = new Row("jdbc-scan", "plain JDBC streaming `SELECT`, one connection, rows mapped to objects "
            + "(limit)", "JDBC SELECT (limit)");
    static final Row KHORA_LOAD_1 = new Row("khora-load-1", "Khora initial load, 1 partition", "Khora");
    static final Row KHORA_LOAD_4 = new Row("khora-load-4", "Khora initial load, 4 partitions", "Khora");
    static final Row HZ_LOAD = new Row("hz-load", "Hazelcast `IMap`, `MapLoader` EAGER (peer)", "Hazelcast MapLoader");
    static final Row JDBC_INSERT = new Row("jdbc-insert", "plain JDBC batch `INSERT`, driver default (limit)", "JDBC batch insert (limit)");
    static final Row JDBC_INSERT_REWRITE = new Row("jdbc-insert-rewrite", "plain JDBC batch `INSERT`, `reWriteBatchedInserts=true`",
            "JDBC batch insert, rewritten");
    static final Row JDBC_UPSERT_REWRITE = new Row("jdbc-upsert-rewrite", "plain JDBC batch `INSERT … ON CONFLICT (id) DO UPDATE`, "
            + "`reWriteBatchedInserts=true`", "JDBC INSERT … ON CONFLICT");
    static final Row JDBC_MERGE = new Row("jdbc-merge", "plain JDBC batch of Hibernate's upsert `MERGE` (what Khora's endpoint sends)",
            "JDBC MERGE");
    static final Row COPY = new Row("copy-insert", "`COPY … FROM STDIN` (bulk path)", "COPY");
    static final Row KHORA_WB_1 = new Row("khora-wb-1", "Khora write-behind, 1 partition", "Khora");
    static final Row KHORA_WB_4 = new Row("khora-wb-4", "Khora write-behind, 4 partitions", "Khora");

    /** The initial-load contestants, in table order. */
    static final List<Row> LOADS = List.of(JDBC_SCAN, KHORA_LOAD_1, KHORA_LOAD_4, HZ_LOAD);
    /** The write contestants, in table order. */
    static final List<Row> WRITES = List.of(JDBC_INSERT, JDBC_INSERT_REWRITE, JDBC_UPSERT_REWRITE, JDBC_MERGE, COPY, KHORA_WB_1,
            KHORA_WB_4);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int order() {
        return 40;
    }

    @Override
    public FamilyResult run(SuiteSettings settings) throws Exception {
        SuiteMode m = settings.mode();
        List<Row> all = new ArrayList<>(LOADS);
        all.addAll(WRITES);
        Map<String, String> results = new LinkedHashMap<>();
        String version;
        double[] loadAverage;
        try (BenchPostgres pg = BenchPostgres.start()) {
            version = pg.version();
            System.out.printf("[persistence] PostgreSQL %s: filling %,d rows%n", version, m.persistenceRows());
            Database load = pg.create(BenchPostgres.LOAD);
            Database write = pg.create(BenchPostgres.WRITE);
            BenchPostgres.fill(load, m.persistenceRows());
            Path outboxes = settings.workDir().resolve("persistence-outbox");
            System.out.printf("[persistence] %d contestants, %d interleaved round(s)%n", all.size(), m.persistenceRounds());
            Quiet.Sampler sampler = Quiet.sample();
            try {
                results.putAll(probe(settings, load, write, outboxes, all.stream().map(Row::key).toList()));
            } finally {
                sampler.stop();
            }
            loadAverage = new double[] {sampler.mean(), sampler.max()};
        }
        PersistenceFigures f = new PersistenceFigures(results);
        PersistenceReport report = new PersistenceReport(settings, f, version, loadAverage[0], loadAverage[1]);
        report.writeChart();
        return new FamilyResult(title(), report.markdown(), targets(f, m));
    }

    @Override
    public String title() {
        return "Persistence (PostgreSQL)";
    }

    @Override
    public List<String> targetNames() {
        return List.of(LOAD_TARGET, WRITE_TARGET);
    }

    @Override
    public String targetsNote() {
        return "The persistence ratios divide the fastest rounds; their cross-check is the median of the ratios of rounds of "
                + "the same number, with the smallest and largest (all contestants run in one JVM in interleaved rounds, so the "
                + "rounds of one number ran close together; the first round, the JIT's warm-up, is left out).";
    }

    private static Map<String, String> probe(SuiteSettings s, Database load, Database write, Path outboxes, List<String> keys)
            throws Exception {
        SuiteMode m = s.mode();
        List<String> args = new ArrayList<>(List.of(load.arg(), write.arg(), String.valueOf(m.persistenceRows()),
                String.valueOf(m.persistenceWrites()), String.valueOf(m.persistenceRounds()), outboxes.toString()));
        args.addAll(keys);
        return ChildJvm.run(s.classpath(), JvmFlags.withHeap(heap(m), "-Dorg.jboss.logging.provider=slf4j"),
                PersistenceProbe.class, args, m.isFull() ? 1_800 : 300);
    }

    /** The probe JVM's heap: a million entries of Khora or Hazelcast at a time, and their garbage. */
    static String heap(SuiteMode m) {
        return m.isFull() ? "3g" : "1g";
    }

    private static List<TargetCheck> targets(PersistenceFigures f, SuiteMode m) {
        String rows = String.format("%,d rows", m.persistenceRows());
        String writes = String.format("%,d rows", m.persistenceWrites());
        return List.of(
                new TargetCheck(LOAD_TARGET, "1 partition, " + rows, f.ratio(KHORA_LOAD_1, JDBC_SCAN), LOAD_BOUND, false,
                        f.pairedRatios(KHORA_LOAD_1, JDBC_SCAN)),
                new TargetCheck(LOAD_TARGET, "4 partitions, " + rows, f.ratio(KHORA_LOAD_4, JDBC_SCAN), LOAD_BOUND, false,
                        f.pairedRatios(KHORA_LOAD_4, JDBC_SCAN)),
                new TargetCheck(WRITE_TARGET, "1 partition, " + writes, f.ratio(KHORA_WB_1, JDBC_INSERT), WRITE_BOUND, false,
                        f.pairedRatios(KHORA_WB_1, JDBC_INSERT)),
                new TargetCheck(WRITE_TARGET, "4 partitions, " + writes, f.ratio(KHORA_WB_4, JDBC_INSERT), WRITE_BOUND, false,
                        f.pairedRatios(KHORA_WB_4, JDBC_INSERT)));
    }
}
