package io.khora.bench.persistence;

import io.khora.bench.model.TradeData;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The statements a plain JDBC batch writes the rows with: the plain {@code INSERT} (the limit), the
 * {@code MERGE} Hibernate 6.6 sends for {@code StatelessSession.upsert} on PostgreSQL — what
 * Khora's endpoint sends in replay mode, copied from Hibernate's SQL log, with its parameter order —
 * and PostgreSQL's own upsert, {@code INSERT … ON CONFLICT (id) DO UPDATE}, which pgjdbc can fold
 * into multi-row statements as it does plain inserts.
 */
enum WriteStatement {
    /** {@link BenchRows#INSERT}. */
    INSERT(BenchRows.INSERT),
    /** Hibernate's upsert. */
    MERGE("merge into " + BenchRows.TABLE + " as t using (select cast(? as bigint) id, cast(? as integer) account, "
            + "cast(? as float(53)) price, cast(? as integer) quantity, cast(? as text) symbol, cast(? as bigint) trade_time) as s "
            + "on (t.id=s.id) when not matched then insert (id, account, price, quantity, symbol, trade_time) "
            + "values (s.id, s.account, s.price, s.quantity, s.symbol, s.trade_time) when matched then update set "
            + "account=s.account, price=s.price, quantity=s.quantity, symbol=s.symbol, trade_time=s.trade_time"),
    /** PostgreSQL's upsert. */
    INSERT_ON_CONFLICT(BenchRows.INSERT + " on conflict (id) do update set account = excluded.account, symbol = excluded.symbol, "
            + "price = excluded.price, quantity = excluded.quantity, trade_time = excluded.trade_time");

    private final String sql;

    WriteStatement(String sql) {
        this.sql = sql;
    }

    /** The statement's text. */
    String sql() {
        return sql;
    }

    /** Binds the row of {@code id} to the statement's parameters. */
    void bind(PreparedStatement ps, long id) throws SQLException {
        if (this != MERGE) {
            BenchRows.bind(ps, id);
            return;
        }
        ps.setLong(1, id);
        ps.setInt(2, BenchRows.account(id));
        ps.setDouble(3, TradeData.price(id));
        ps.setInt(4, TradeData.quantity(id));
        ps.setString(5, TradeData.symbol(id));
        ps.setLong(6, TradeData.timestamp(id));
    }
}
