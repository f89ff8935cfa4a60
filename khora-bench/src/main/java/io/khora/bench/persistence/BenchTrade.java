package io.khora.bench.persistence;

import io.khora.annotation.SpaceRouting;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The entry of the persistence benchmarks: a JPA entity of six properties that is also the space
 * class (as khora-hibernate intends). The space id is the JPA {@code @Id}; the space routes by the
 * integral {@code account} (negative values included), so Khora's initial load pushes
 * {@code floorMod(account, partitions)} into SQL and each partition reads only its own rows.
 *
 * <p>Columns (see {@link BenchRows#DDL}): {@code id bigint} primary key, {@code account integer},
 * {@code symbol varchar(16)}, {@code price double precision}, {@code quantity integer},
 * {@code trade_time bigint}.
 */
@Entity(name = "BenchTrade")
@Table(name = BenchRows.TABLE)
public class BenchTrade {
    @Id
    private long id;
    @SpaceRouting
    private int account;
    private String symbol;
    private double price;
    private int quantity;
    @Column(name = "trade_time")
    private long tradeTime;

    /** For Hibernate, the space's codec and serializers. */
    public BenchTrade() {
    }

    /** A trade with every property set. */
    public BenchTrade(long id, int account, String symbol, double price, int quantity, long tradeTime) {
        this.id = id;
        this.account = account;
        this.symbol = symbol;
        this.price = price;
        this.quantity = quantity;
        this.tradeTime = tradeTime;
    }

    public long getId() {
        return id;
    }

    public void setId(long id) {
        this.id = id;
    }

    public int getAccount() {
        return account;
    }

    public void setAccount(int account) {
        this.account = account;
    }

    public String getSymbol() {
        return symbol;
    }

    public void setSymbol(String symbol) {
        this.symbol = symbol;
    }

    public double getPrice() {
        return price;
    }

    public void setPrice(double price) {
        this.price = price;
    }

    public int getQuantity() {
        return quantity;
    }

    public void setQuantity(int quantity) {
        this.quantity = quantity;
    }

    public long getTradeTime() {
        return tradeTime;
    }

    public void setTradeTime(long tradeTime) {
        this.tradeTime = tradeTime;
    }

    @Override
    public String toString() {
        return "BenchTrade#" + id + " account " + account + " " + symbol + " " + quantity + "@" + price;
    }
}
