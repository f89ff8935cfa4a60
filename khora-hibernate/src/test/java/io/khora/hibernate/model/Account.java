package io.khora.hibernate.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An account routed by its (integral, possibly negative) primitive id: no @SpaceRouting. */
@Entity(name = "Account")
@Table(name = "accounts")
public class Account {
    @Id
    private long id;
    private String owner;
    private long balance;

    public Account() {
    }

    public Account(long id, String owner, long balance) {
        this.id = id;
        this.owner = owner;
        this.balance = balance;
    }

    public long getId() {
        return id;
    }

    public void setId(long id) {
        this.id = id;
    }

    public String getOwner() {
        return owner;
    }

    public void setOwner(String owner) {
        this.owner = owner;
    }

    public long getBalance() {
        return balance;
    }

    public void setBalance(long balance) {
        this.balance = balance;
    }
}
