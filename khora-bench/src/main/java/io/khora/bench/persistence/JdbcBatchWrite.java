package io.khora.bench.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;

/**
 * A plain JDBC batch write of M rows into the empty table on one connection, {@value #BATCH} rows
 * per {@code executeBatch} and per transaction (the size of Khora's mirror batches). With the
 * driver's default the batch goes out as {@value #BATCH} pipelined single-row statements; with
 * {@code reWriteBatchedInserts=true} the driver folds {@code INSERT}s (also those with
 * {@code ON CONFLICT}) into multi-row {@code INSERT … VALUES (…), (…)} statements. The
 * {@link WriteStatement#INSERT} with the driver's default is the limit of write-behind.
 */
final class JdbcBatchWrite implements Mechanism {
    /** Rows per JDBC batch and per commit. */
    static final int BATCH = 1_000;

    private final Database db;
    private final long rows;
    private final WriteStatement statement;
    private final boolean rewrite;

    JdbcBatchWrite(Database db, long rows, WriteStatement statement, boolean rewrite) {
        this.db = db;
        this.rows = rows;
        this.statement = statement;
        this.rewrite = rewrite;
    }

    @Override
    public Round round(int round, CpuMeter cpu) throws Exception {
        db.execute("truncate " + BenchRows.TABLE);
        Stopwatch sw = Stopwatch.start(cpu);
        try (Connection c = db.connect(rewrite)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(statement.sql())) {
                int pending = 0;
                for (long id = 0; id < rows; id++) {
                    statement.bind(ps, id);
                    ps.addBatch();
                    if (++pending == BATCH) {
                        ps.executeBatch();
                        c.commit();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    ps.executeBatch();
                    c.commit();
                }
            }
        }
        Round r = sw.stop(rows);
        Rounds.check("the JDBC batch " + statement, db.count(), rows);
        return r;
    }
}
