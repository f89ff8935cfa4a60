package io.khora.hibernate.model;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** A nested value (queried as {@code supplier.country}). */
@Embeddable
public class Supplier {
    @Column(name = "supplier_name")
    private String name;
    @Column(name = "supplier_country")
    private String country;

    public Supplier() {
    }

    public Supplier(String name, String country) {
        this.name = name;
        this.country = country;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getCountry() {
        return country;
    }

    public void setCountry(String country) {
        this.country = country;
    }
}
