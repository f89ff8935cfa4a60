package io.khora.hibernate.model;

import io.khora.annotation.SpaceRouting;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.Objects;

/** An order routed by an integral customer id (negative ids exist): the augmented load's subject. */
@Entity
@Table(name = "purchase_orders")
public class PurchaseOrder {
    @Id
    private Long id;
    @SpaceRouting
    @Column(name = "customer_id")
    private Integer customerId;
    @Column(nullable = false)
    private String status;
    private double amount;

    public PurchaseOrder() {
    }

    public PurchaseOrder(Long id, Integer customerId, String status, double amount) {
        this.id = id;
        this.customerId = customerId;
        this.status = status;
        this.amount = amount;
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public Integer getCustomerId() {
        return customerId;
    }

    public void setCustomerId(Integer customerId) {
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
    public boolean equals(Object o) {
        return o instanceof PurchaseOrder p && Objects.equals(id, p.id) && Objects.equals(customerId, p.customerId)
                && Objects.equals(status, p.status) && amount == p.amount;
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(id);
    }

    @Override
    public String toString() {
        return "PurchaseOrder[" + id + ", customer " + customerId + ", " + status + ", " + amount + "]";
    }
}
