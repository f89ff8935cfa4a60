package io.khora.bench.model;

import io.khora.annotation.SpaceId;

/**
 * A trade without indexes: the entry of the by-id benchmarks and of the like-for-like memory
 * comparison with a {@code HashMap}.
 *
 * <p>Six properties: {@code id} (long), {@code symbol} (String from a small shared pool),
 * {@code price} (double), {@code quantity} (int), {@code trader} (String, unique per entry) and
 * {@code timestamp} (long). A plain JavaBean, as a user would write it.
 */
public class PlainTrade {
    private long id;
    private String symbol;
    private double price;
    private int quantity;
    private String trader;
    private long timestamp;

    /** For the space's codec and serializers. */
    public PlainTrade() {
    }

    /** A trade with every property set. */
    public PlainTrade(long id, String symbol, double price, int quantity, String trader, long timestamp) {
        this.id = id;
        this.symbol = symbol;
        this.price = price;
        this.quantity = quantity;
        this.trader = trader;
        this.timestamp = timestamp;
    }

    @SpaceId
    public long getId() {
        return id;
    }

    public void setId(long id) {
        this.id = id;
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

    public String getTrader() {
        return trader;
    }

    public void setTrader(String trader) {
        this.trader = trader;
    }

    public long getTimestamp() {
        return timestamp;
    }

    public void setTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    @Override
    public String toString() {
        return "PlainTrade#" + id + " " + symbol + " " + quantity + "@" + price + " by " + trader;
    }
}
