package io.khora.cassandra.model;

import io.khora.annotation.SpaceId;

/** A test entry with a text id (Cassandra refuses an empty text partition key: the poison of the dead-letter test). */
public class Tag {
    private String name;
    private int uses;

    public Tag() {
    }

    public Tag(String name, int uses) {
        this.name = name;
        this.uses = uses;
    }

    @SpaceId
    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public int getUses() {
        return uses;
    }

    public void setUses(int uses) {
        this.uses = uses;
    }
}
