package io.khora.server;

import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.Objects;

/**
 * What {@link MultiProcessWriteBehindIT} writes: both a space entry (id, routing) and a JPA entity
 * of the table {@code mp_items}, which the {@code khora mirror} child process writes through the
 * built-in Hibernate endpoint. It is on the node and mirror JVMs' class path because
 * {@link ProcessCluster} starts them with the test's class path.
 *
 * <p>{@code rev} is the writer's own revision of the entry: 1 for the first write, one more for each
 * later update the writer attempted (attempted, not acknowledged: a revision number is never used
 * twice for one id), and {@code amount} is a function of (id, rev), so a row read back tells which
 * attempted state it is.
 */
@Entity(name = "MirroredItem")
@Table(name = "mp_items")
public class MirroredItem {
    @Id
    @SpaceId
    private long id;
    @SpaceRouting
    private int routing;
    private int writer;
    private long rev;
    private long amount;

    public MirroredItem() {
    }

    public MirroredItem(long id, int routing, int writer, long rev) {
        this.id = id;
        this.routing = routing;
        this.writer = writer;
        this.rev = rev;
        this.amount = amountOf(id, rev);
    }

    /** The amount the state (id, rev) carries. */
    static long amountOf(long id, long rev) {
        return id * 1_000 + rev * 7;
    }

    /** The same entry at revision {@code newRev}. */
    MirroredItem withRev(long newRev) {
        return new MirroredItem(id, routing, writer, newRev);
    }

    public long getId() {
        return id;
    }

    public void setId(long id) {
        this.id = id;
    }

    public int getRouting() {
        return routing;
    }

    public void setRouting(int routing) {
        this.routing = routing;
    }

    public int getWriter() {
        return writer;
    }

    public void setWriter(int writer) {
        this.writer = writer;
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

    @Override
    public boolean equals(Object o) {
        return o instanceof MirroredItem m && m.id == id && m.routing == routing && m.writer == writer && m.rev == rev
                && m.amount == amount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, rev);
    }

    @Override
    public String toString() {
        return "MirroredItem[id " + id + " routing " + routing + " writer " + writer + " rev " + rev + " amount " + amount + "]";
    }
}
