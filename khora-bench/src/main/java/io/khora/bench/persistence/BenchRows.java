package io.khora.bench.persistence;

import io.khora.bench.model.TradeData;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The persistence data set, a pure function of the id (as {@link TradeData} is for the in-memory
 * families), and the SQL every contestant uses for it: the table, its columns, the insert and the
 * select. {@code account} spreads the ids over {@value #ACCOUNTS} accounts centred on zero, so the
 * routing values include negative ones.
 */
final class BenchRows {
    /** The table (in the load database: N rows; in the write database: empty before each round). */
    static final String TABLE = "bench_trades";
    /** Its columns, in the order of every statement below and of {@link #read(ResultSet)}. */
    static final String COLUMNS = "id, account, symbol, price, quantity, trade_time";
    /** The table as {@link BenchTrade} maps it. */
    static final String DDL = "create table " + TABLE + " (id bigint primary key, account integer not null, "
            + "symbol varchar(16) not null, price double precision not null, quantity integer not null, trade_time bigint not null)";
    /** Every row. */
    static final String SELECT = "select " + COLUMNS + " from " + TABLE;
    /** One row. */
    static final String INSERT = "insert into " + TABLE + " (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?)";
    /** Distinct routing values. */
    static final int ACCOUNTS = 10_007;

    private BenchRows() {
    }

    /** The account (routing value) of {@code id}: from −5,003 to 5,003. */
    static int account(long id) {
        return (int) Math.floorMod(id * 7_919, (long) ACCOUNTS) - ACCOUNTS / 2;
    }

    /** The trade of {@code id}. */
    static BenchTrade trade(long id) {
        return new BenchTrade(id, account(id), TradeData.symbol(id), TradeData.price(id), TradeData.quantity(id),
                TradeData.timestamp(id));
    }

    /** The trade of the result set's current row ({@link #COLUMNS} in order). */
    static BenchTrade read(ResultSet rs) throws SQLException {
        return new BenchTrade(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getDouble(4), rs.getInt(5), rs.getLong(6));
    }

    /** Binds the trade of {@code id} to {@link #INSERT}'s parameters. */
    static void bind(PreparedStatement ps, long id) throws SQLException {
        ps.setLong(1, id);
        ps.setInt(2, account(id));
        ps.setString(3, TradeData.symbol(id));
        ps.setDouble(4, TradeData.price(id));
        ps.setInt(5, TradeData.quantity(id));
        ps.setLong(6, TradeData.timestamp(id));
    }

    /** The row of {@code id} in COPY's text format (tab-separated, newline-terminated). */
    static void appendCopyLine(StringBuilder sb, long id) {
        sb.append(id).append('\t').append(account(id)).append('\t').append(TradeData.symbol(id)).append('\t')
                .append(TradeData.price(id)).append('\t').append(TradeData.quantity(id)).append('\t')
                .append(TradeData.timestamp(id)).append('\n');
    }
}
