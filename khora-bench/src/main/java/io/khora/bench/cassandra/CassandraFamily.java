package io.khora.bench.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.bench.SuiteSettings;
import io.khora.bench.family.BenchmarkFamily;
import io.khora.bench.family.FamilyResult;
import io.khora.cassandra.CassandraSchema;
import io.khora.cassandra.CassandraServer;
import io.khora.cassandra.CassandraSpaceDataSource;
import io.khora.cassandra.CassandraSpaceSynchronizationEndpoint;
import io.khora.cassandra.CassandraTableMapping;
import io.khora.cassandra.model.Item;
import io.khora.persistence.WriteBehindSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Persistence against a real Cassandra 5.0 (single node, in a child JVM on this machine): Khora's
 * initial load (4 partitions, shared token-range scan) against a plain driver paged scan of the
 * table into objects (the limit), and Khora's write-behind (4 partitions, until flushed) against
 * plain driver async upserts with 128 in flight (the limit). Rounds are interleaved so that other
 * work on the shared machine hits every contestant alike; the best and the median round are
 * reported. Full mode only: the smoke run skips it (the server alone takes about a minute to
 * start). Needs khora-cassandra built in the same checkout (its {@code target/cassandra-server.classpath}).
 */
public final class CassandraFamily implements BenchmarkFamily {
    /** The family's id (also {@code -Dexec.args="full cassandra"}). */
    public static final String ID = "cassandra";
    static final int LOAD_ROWS = 200_000;
    static final int WRITES = 100_000;
    static final int ROUNDS = 3;
    static final String KS = "bench";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int order() {
        return 45;
    }

    @Override
    public String title() {
        return "Persistence (Cassandra)";
    }

    @Override
    public FamilyResult run(SuiteSettings settings) throws Exception {
        if (!settings.mode().isFull()) {
            return new FamilyResult(title(), "_Skipped in smoke mode: the family starts a real Cassandra server (about a minute)._\n",
                    List.of());
        }
        Path cpFile = settings.root().resolve("khora-cassandra/target/cassandra-server.classpath");
        if (!Files.exists(cpFile)) {
            throw new IllegalStateException("the Cassandra family needs " + cpFile + ": build khora-cassandra first "
                    + "(mvn -B -ntp -pl khora-cassandra -am test-compile)");
        }
        long[][] load = new long[2][ROUNDS];
        long[][] write = new long[2][ROUNDS];
        String version;
        try (CassandraServer server = CassandraServer.start(settings.workDir().resolve("cassandra"), Files.readString(cpFile).trim());
             CqlSession session = server.session()) {
            version = session.execute("SELECT release_version FROM system.local").one().getString(0);
            CassandraSchema.createKeyspace(session, KS, 1);
            CassandraTableMapping<Item> loadTable = mapping("load");
            CassandraSchema.createTable(session, loadTable);
            CassandraSchema.createTimestampTable(session, KS);
            System.out.printf("[cassandra] Cassandra %s: filling %,d rows%n", version, LOAD_ROWS);
            upserts(session, loadTable, 0, LOAD_ROWS);
            for (int r = 0; r < ROUNDS; r++) {
                load[0][r] = driverScan(session);
                load[1][r] = khoraLoad(session, loadTable, r);
                CassandraTableMapping<Item> plain = mapping("plain_" + r);
                CassandraSchema.createTable(session, plain);
                long t0 = System.nanoTime();
                upserts(session, plain, 0, WRITES);
                write[0][r] = System.nanoTime() - t0;
                write[1][r] = khoraWriteBehind(session, settings.workDir().resolve("cassandra-outbox-" + r), r);
                System.out.printf("[cassandra] round %d: scan %s, load %s, upserts %s, write-behind %s rows/s%n", r + 1,
                        rate(LOAD_ROWS, load[0][r]), rate(LOAD_ROWS, load[1][r]), rate(WRITES, write[0][r]), rate(WRITES, write[1][r]));
            }
        }
        return new FamilyResult(title(), markdown(version, load, write), List.of());
    }

    private static CassandraTableMapping<Item> mapping(String table) {
        return CassandraTableMapping.builder(Item.class, KS, table).build();
    }

    /** Plain driver async upserts of ids {@code from+1 .. from+n}, 128 in flight. */
    private static void upserts(CqlSession session, CassandraTableMapping<Item> table, int from, int n) throws InterruptedException {
        PreparedStatement ps = session.prepare("INSERT INTO " + table.qualifiedTable() + " (id, rev, note) VALUES (?, ?, ?)");
        Semaphore inFlight = new Semaphore(128);
        List<CompletableFuture<?>> tail = new ArrayList<>();
        for (long id = from + 1; id <= from + n; id++) {
            inFlight.acquire();
            CompletableFuture<?> f = session.executeAsync(ps.bind(id, 1L, "item " + id)).toCompletableFuture();
            f.whenComplete((x, e) -> inFlight.release());
            if (id > from + n - 128) {
                tail.add(f);
            }
        }
        inFlight.acquire(128);
        CompletableFuture.allOf(tail.toArray(new CompletableFuture<?>[0])).join();
    }

    /** A plain driver paged scan of the load table into objects; nanoseconds. */
    private static long driverScan(CqlSession session) {
        long t0 = System.nanoTime();
        long n = 0;
        for (Row row : session.execute(SimpleStatement.newInstance("SELECT id, rev, note FROM " + KS + ".load").setPageSize(5_000))) {
            Item item = new Item(row.getLong(0), row.getLong(1), row.getString(2));
            n += item.getRev();
        }
        long took = System.nanoTime() - t0;
        if (n != LOAD_ROWS) {
            throw new IllegalStateException("the driver scan read " + n + " rows, expected " + LOAD_ROWS);
        }
        return took;
    }

    /** Khora's initial load into 4 partitions; nanoseconds from start to READY. */
    private static long khoraLoad(CqlSession session, CassandraTableMapping<Item> table, int round) {
        CassandraSpaceDataSource ds = CassandraSpaceDataSource.builder(session).table(table).build();
        long t0 = System.nanoTime();
        try (Space space = Spaces.embedded("bench-cass-load-" + round).partitions(4).dataSource(ds).start()) {
            if (!space.waitForReady(Duration.ofMinutes(5))) {
                throw new IllegalStateException("the Khora space did not load: " + space.initialLoadProgress());
            }
            long took = System.nanoTime() - t0;
            if (space.initialLoadProgress().loaded() != LOAD_ROWS) {
                throw new IllegalStateException("Khora loaded " + space.initialLoadProgress() + ", expected " + LOAD_ROWS);
            }
            return took;
        }
    }

    /** Khora write-behind (4 partitions) of {@link #WRITES} items; nanoseconds from the first write until flushed. */
    private static long khoraWriteBehind(CqlSession session, Path outbox, int round) {
        CassandraTableMapping<Item> table = mapping("wb_" + round);
        CassandraSchema.createTable(session, table);
        WriteBehindSettings wb = WriteBehindSettings.builder(outbox).durability(WriteBehindSettings.Durability.PER_BATCH).build();
        try (Space space = Spaces.embedded("bench-cass-wb-" + round).partitions(4)
                .synchronizationEndpoint(CassandraSpaceSynchronizationEndpoint.builder(session).table(table).build())
                .writeBehind(wb).start()) {
            space.waitForReady(Duration.ofMinutes(1));
            long t0 = System.nanoTime();
            for (long id = 1; id <= WRITES; id++) {
                space.write(new Item(id, 1, "item " + id));
            }
            if (!space.admin().flush(Duration.ofMinutes(5))) {
                throw new IllegalStateException("write-behind did not flush within 5 minutes");
            }
            return System.nanoTime() - t0;
        }
    }

    private static String rate(int rows, long nanos) {
        return String.format(Locale.ROOT, "%,.0f", rows / (nanos / 1e9));
    }

    private static long best(long[] nanos) {
        long b = Long.MAX_VALUE;
        for (long n : nanos) {
            b = Math.min(b, n);
        }
        return b;
    }

    private static long median(long[] nanos) {
        long[] s = nanos.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String markdown(String version, long[][] load, long[][] write) {
        StringBuilder md = new StringBuilder();
        md.append("Against a real Apache Cassandra ").append(version).append(" (`cassandra-all` from Maven Central, one node in a child JVM ")
                .append("with a 512 MB heap on this same machine, so Cassandra and the client share its cores). ").append(ROUNDS)
                .append(" interleaved rounds; rows/s of the best round, with the median round in brackets, and Khora's ratio to the limit ")
                .append("on the best rounds.\n\n");
        md.append("| Initial load of ").append(String.format(Locale.ROOT, "%,d", LOAD_ROWS)).append(" rows | rows/s (median) | × limit |\n");
        md.append("|---|---:|---:|\n");
        row(md, "plain driver paged `SELECT`, one thread, rows mapped to objects (limit)", LOAD_ROWS, load[0], load[0]);
        row(md, "Khora initial load, 4 partitions (shared token-range scan, 2 threads, until READY)", LOAD_ROWS, load[1], load[0]);
        md.append("\n| Writing ").append(String.format(Locale.ROOT, "%,d", WRITES)).append(" rows | rows/s (median) | × limit |\n");
        md.append("|---|---:|---:|\n");
        row(md, "plain driver async `INSERT`, 128 in flight (limit)", WRITES, write[0], write[0]);
        row(md, "Khora write-behind, 4 partitions, `PER_BATCH`, one writer thread, until flushed (`USING TIMESTAMP` upserts)", WRITES,
                write[1], write[0]);
        md.append("\nKhora's load reads each row once for all 4 partitions and routes it on the client (CQL cannot evaluate the ")
                .append("router's `floorMod`); its extra cost over the plain scan is putting 4 partitions' entries into memory. ")
                .append("Write-behind time includes the outbox append of every write and the mirror's delivery until `flush` returns.\n");
        return md.toString();
    }

    private static void row(StringBuilder md, String label, int rows, long[] nanos, long[] limit) {
        md.append("| ").append(label).append(" | ").append(rate(rows, best(nanos))).append(" (").append(rate(rows, median(nanos)))
                .append(") | ").append(String.format(Locale.ROOT, "%.2f", (double) best(limit) / best(nanos))).append(" |\n");
    }
}
