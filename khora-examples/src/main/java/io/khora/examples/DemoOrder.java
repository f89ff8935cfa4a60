package io.khora.examples;

import io.khora.annotation.SpaceIndex;
import io.khora.annotation.SpaceRouting;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An order: a JPA entity that is also a space class (its JPA {@code @Id} is the space id), routed by
 * customer so one customer's orders share a partition.
 */
@Entity
@Table(name = "orders")
public class DemoOrder {
    @Id
    private Long id;
    @Column(name = "customer_id")
    private Integer customerId;
    private double amount;
    @Column(length = 16)
    private String status;

    public DemoOrder() {
    }

    public DemoOrder(long id, int customerId, double amount, String status) {
        this.id = id;
        this.customerId = customerId;
        this.amount = amount;
        this.status = status;
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    @SpaceRouting
    @SpaceIndex
    public Integer getCustomerId() {
        return customerId;
    }

    public void setCustomerId(Integer customerId) {
        this.customerId = customerId;
    }

    public double getAmount() {
        return amount;
    }

    public void setAmount(double amount) {
        this.amount = amount;
    }

    @SpaceIndex
    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    @Override
    public String toString() {
        return "Order#" + id + "[customer " + customerId + ", " + status + ", " + String.format("%.2f", amount) + "]";
    }
}
