package io.khora.bench.persistence;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * PostgreSQL's bulk path: {@code COPY bench_trades FROM STDIN} through the driver's
 * {@code CopyManager}, rows in COPY's text format, sent in blocks of about 64 KiB. Fills the load
 * table (setup) and is the context figure beside the batch inserts.
 */
final class CopyRows {
    private static final String COPY = "copy " + BenchRows.TABLE + " (" + BenchRows.COLUMNS + ") from stdin";
    private static final int BLOCK = 64 * 1024;

    private CopyRows() {
    }

    /** Copies the rows with ids {@code from} (inclusive) to {@code to} (exclusive) in one COPY, committed. */
    static void copy(Connection c, long from, long to) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
        try {
            StringBuilder sb = new StringBuilder(BLOCK + 256);
            for (long id = from; id < to; id++) {
                BenchRows.appendCopyLine(sb, id);
                if (sb.length() >= BLOCK) {
                    write(in, sb);
                }
            }
            write(in, sb);
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    private static void write(CopyIn in, StringBuilder sb) throws SQLException {
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        in.writeToCopy(bytes, 0, bytes.length);
        sb.setLength(0);
    }
}
