package io.khora.bench.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * The limit of an initial load: one plain JDBC streaming {@code SELECT} of every row on one
 * connection (autocommit off, so PostgreSQL streams through a cursor, {@value #FETCH_SIZE} rows per
 * round trip), each row mapped to a {@link BenchTrade} as a hand-written loader would.
 */
final class JdbcScan implements Mechanism {
    /** Rows per round trip; the same as Khora's data source default. */
    static final int FETCH_SIZE = 10_000;

    private final Database db;
    private final long expected;
    /** The last row read: every row escapes here, so its object is really built (as a loader storing it would). */
    private BenchTrade last;

    JdbcScan(Database db, long expected) {
        this.db = db;
        this.expected = expected;
    }

    @Override
    public Round round(int round, CpuMeter cpu) throws Exception {
        Stopwatch sw = Stopwatch.start(cpu);
        long n = 0;
        try (Connection c = db.connect(false)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(BenchRows.SELECT)) {
                ps.setFetchSize(FETCH_SIZE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        last = BenchRows.read(rs);
                        n++;
                    }
                }
            }
            c.rollback();
        }
        Round r = sw.stop(n);
        Rounds.check("the JDBC scan", n, expected);
        return r;
    }
}
