package io.khora.hibernate.model;

import io.khora.annotation.SpaceRouting;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.math.BigDecimal;

/** A product with a String id and String (non-integral) routing: never augmented; keyset chunks. */
@Entity
@Table(name = "products")
public class Product {
    @Id
    private String sku;
    @SpaceRouting
    private String category;
    private String name;
    private BigDecimal price;
    private Integer stock;
    @Embedded
    private Supplier supplier;

    public Product() {
    }

    public Product(String sku, String category, String name, BigDecimal price, Integer stock, Supplier supplier) {
        this.sku = sku;
        this.category = category;
        this.name = name;
        this.price = price;
        this.stock = stock;
        this.supplier = supplier;
    }

    public String getSku() {
        return sku;
    }

    public void setSku(String sku) {
        this.sku = sku;
    }

    public String getCategory() {
        return category;
    }

    public void setCategory(String category) {
        this.category = category;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public BigDecimal getPrice() {
        return price;
    }

    public void setPrice(BigDecimal price) {
        this.price = price;
    }

    public Integer getStock() {
        return stock;
    }

    public void setStock(Integer stock) {
        this.stock = stock;
    }

    public Supplier getSupplier() {
        return supplier;
    }

    public void setSupplier(Supplier supplier) {
        this.supplier = supplier;
    }

    @Override
    public String toString() {
        return "Product[" + sku + "]";
    }
}
