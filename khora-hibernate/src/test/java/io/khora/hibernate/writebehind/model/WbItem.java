package io.khora.hibernate.writebehind.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The entry of the write-behind tests: routed by its (integral) id, with the writer's own per-entry
 * revision {@code rev} (1, 2, 3 … in the order the writer's acknowledged writes of this entry
 * happened), so the database and its audit trigger can be compared with what was acknowledged.
 */
@Entity(name = "WbItem")
@Table(name = "wb_items")
public class WbItem {
    @Id
    private long id;
    private long rev;
    private long amount;
    private String note;

    public WbItem() {
    }

    public WbItem(long id, long rev, long amount, String note) {
        this.id = id;
        this.rev = rev;
        this.amount = amount;
        this.note = note;
    }

    public long getId() {
        return id;
    }

    public void setId(long id) {
        this.id = id;
    }

    public long getRev() {
        return rev;
    }

    public void setRev(long rev) {
        this.rev = rev;
    }

    public long getAmount() {
        return amount;
    }

    public void setAmount(long amount) {
        this.amount = amount;
    }

    public String getNote() {
        return note;
    }

    public void setNote(String note) {
        this.note = note;
    }

    @Override
    public String toString() {
        return "WbItem[" + id + " rev " + rev + " amount " + amount + "]";
    }
}
