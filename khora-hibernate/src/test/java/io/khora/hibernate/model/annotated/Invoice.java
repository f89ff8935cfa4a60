package io.khora.hibernate.model.annotated;

import io.khora.annotation.SpaceInitialLoadQuery;
import io.khora.annotation.SpaceRouting;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An entity carrying its own initial-load query (seed 001, first form). */
@Entity
@Table(name = "invoices")
public class Invoice {
    @Id
    private Long id;
    @SpaceRouting
    @Column(name = "customer_id")
    private Integer customerId;
    private double total;

    public Invoice() {
    }

    public Invoice(Long id, Integer customerId, double total) {
        this.id = id;
        this.customerId = customerId;
        this.total = total;
    }

    /** Only invoices over 50 (unqualified property name, as in the seed). */
    @SpaceInitialLoadQuery
    public String initialLoadQuery() {
        return "total > 50";
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

    public double getTotal() {
        return total;
    }

    public void setTotal(double total) {
        this.total = total;
    }
}
