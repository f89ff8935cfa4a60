package io.khora.examples;

import io.khora.annotation.SpaceClass;
import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceIndex;
import io.khora.annotation.SpaceIndexType;
import io.khora.annotation.SpaceRouting;

/** A trade: a JavaBean with an id, a routing property and two indexes. */
@SpaceClass
public class Trade {
    private Long id;
    private String symbol;
    private double price;
    private int quantity;

    public Trade() {
    }

    public Trade(long id, String symbol, double price, int quantity) {
        this.id = id;
        this.symbol = symbol;
        this.price = price;
        this.quantity = quantity;
    }

    @SpaceId
    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    @SpaceRouting
    @SpaceIndex
    public String getSymbol() {
        return symbol;
    }

    public void setSymbol(String symbol) {
        this.symbol = symbol;
    }

    @SpaceIndex(type = SpaceIndexType.ORDERED)
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

    @Override
    public String toString() {
        return "Trade#" + id + " " + symbol + " " + quantity + "@" + price;
    }
}
