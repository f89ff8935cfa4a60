package io.khora.cassandra.model;

import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;

/** A test entry routed by an integral column that is not the table's partition key. */
public class Order {
    private Long id;
    private int customerId;
    private String status;
    private double amount;

    public Order() {
    }

    public Order(long id, int customerId, String status, double amount) {
        this.id = id;
        this.customerId = customerId;
        this.status = status;
        this.amount = amount;
    }

    @SpaceId
    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    @SpaceRouting
    public int getCustomerId() {
        return customerId;
    }

    public void setCustomerId(int customerId) {
        this.customerId = customerId;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public double getAmount() {
        return amount;
    }

    public void setAmount(double amount) {
        this.amount = amount;
    }

    @Override
    public String toString() {
        return "Order[" + id + ", customer " + customerId + ", " + status + ", " + amount + "]";
    }
}
