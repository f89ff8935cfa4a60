package io.khora.bench.persistence;

import java.sql.Connection;

/** Context beside the batch inserts: the same M rows into the empty table with one {@code COPY … FROM STDIN} ({@link CopyRows}). */
final class CopyInsert implements Mechanism {
    private final Database db;
    private final long rows;

    CopyInsert(Database db, long rows) {
        this.db = db;
        this.rows = rows;
    }

    @Override
    public Round round(int round, CpuMeter cpu) throws Exception {
        db.execute("truncate " + BenchRows.TABLE);
        Stopwatch sw = Stopwatch.start(cpu);
        try (Connection c = db.connect(false)) {
            c.setAutoCommit(false);
            CopyRows.copy(c, 0, rows);
        }
        Round r = sw.stop(rows);
        Rounds.check("COPY", db.count(), rows);
        return r;
    }
}
