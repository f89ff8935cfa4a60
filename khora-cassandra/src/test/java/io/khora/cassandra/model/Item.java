package io.khora.cassandra.model;

import io.khora.annotation.SpaceId;

/**
 * A test entry routed by its id, the table's partition key: a long id (negative ones too) with the
 * writer's per-entry revision, and a free text note.
 */
public class Item {
    private Long id;
    private long rev;
    private String note;

    public Item() {
    }

    public Item(long id, long rev, String note) {
        this.id = id;
        this.rev = rev;
        this.note = note;
    }

    @SpaceId
    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public long getRev() {
        return rev;
    }

    public void setRev(long rev) {
        this.rev = rev;
    }

    public String getNote() {
        return note;
    }

    public void setNote(String note) {
        this.note = note;
    }

    @Override
    public String toString() {
        return "Item[" + id + ", rev " + rev + ", " + note + "]";
    }
}
