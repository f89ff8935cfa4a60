package io.khora;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Changes to apply, in place and atomically per entry, to every entry a query matches: set or
 * unset a property, increment a number, add to or remove from a collection, renew the lease.
 * Immutable: each method returns a new change set.
 *
 * <pre>{@code
 * space.change(Query.of(Account.class, "id = ?", 7),
 *              ChangeSet.create().increment("balance", -25).addToCollection("history", "debit 25"));
 * }</pre>
 *
 * Each changed entry's version goes up by one and an UPDATE event is published. The id cannot be
 * changed; a property that does not exist, an increment of a non-number or a collection operation
 * on a non-collection fails before any entry is changed.
 */
public final class ChangeSet {
    /** One change. */
    public sealed interface Operation permits Set, Unset, Increment, AddToCollection, RemoveFromCollection {
        /** The property the change applies to. */
        String property();
    }

    /** Sets a property. @param property name @param value new value (not null; use {@link Unset}) */
    public record Set(String property, Object value) implements Operation {
    }

    /** Sets a property to null. @param property name */
    public record Unset(String property) implements Operation {
    }

    /** Adds {@code delta} to a numeric property (null counts as 0). @param property name @param delta amount */
    public record Increment(String property, Number delta) implements Operation {
    }

    /** Adds a value to a collection property (created if null). @param property name @param value element */
    public record AddToCollection(String property, Object value) implements Operation {
    }

    /** Removes one occurrence of a value from a collection property. @param property name @param value element */
    public record RemoveFromCollection(String property, Object value) implements Operation {
    }

    private static final ChangeSet EMPTY = new ChangeSet(List.of(), null);

    private final List<Operation> operations;
    private final Lease lease;

    private ChangeSet(List<Operation> operations, Lease lease) {
        this.operations = operations;
        this.lease = lease;
    }

    /** An empty change set. */
    public static ChangeSet create() {
        return EMPTY;
    }

    private ChangeSet plus(Operation op) {
        List<Operation> ops = new ArrayList<>(operations);
        ops.add(op);
        return new ChangeSet(Collections.unmodifiableList(ops), lease);
    }

    private static String requireProperty(String property) {
        if (property == null || property.isBlank()) {
            throw new IllegalArgumentException("change property name must not be null or blank");
        }
        return property;
    }

    /** Sets {@code property} to {@code value} (not null). */
    public ChangeSet set(String property, Object value) {
        return plus(new Set(requireProperty(property), Objects.requireNonNull(value, "value of set('" + property + "'); use unset")));
    }

    /** Sets {@code property} to null. */
    public ChangeSet unset(String property) {
        return plus(new Unset(requireProperty(property)));
    }

    /** Adds {@code delta} to the numeric {@code property}. */
    public ChangeSet increment(String property, Number delta) {
        return plus(new Increment(requireProperty(property), Objects.requireNonNull(delta, "delta")));
    }

    /** Subtracts {@code delta} from the numeric {@code property}. */
    public ChangeSet decrement(String property, Number delta) {
        Objects.requireNonNull(delta, "delta");
        Number neg;
        if (delta instanceof Integer i) {
            neg = -i;
        } else if (delta instanceof Long l) {
            neg = -l;
        } else if (delta instanceof java.math.BigDecimal b) {
            neg = b.negate();
        } else if (delta instanceof Float f) {
            neg = -f;
        } else {
            neg = -delta.doubleValue();
        }
        return increment(property, neg);
    }

    /** Adds {@code value} to the collection {@code property}. */
    public ChangeSet addToCollection(String property, Object value) {
        return plus(new AddToCollection(requireProperty(property), value));
    }

    /** Removes {@code value} from the collection {@code property}. */
    public ChangeSet removeFromCollection(String property, Object value) {
        return plus(new RemoveFromCollection(requireProperty(property), value));
    }

    /** Gives each changed entry a new lease, counted from the change. */
    public ChangeSet lease(Lease newLease) {
        return new ChangeSet(operations, Objects.requireNonNull(newLease, "lease"));
    }

    /** The property changes, in order. */
    public List<Operation> operations() {
        return operations;
    }

    /** The new lease, or null to keep each entry's lease. */
    public Lease lease() {
        return lease;
    }

    /** Whether nothing would change. */
    public boolean isEmpty() {
        return operations.isEmpty() && lease == null;
    }

    @Override
    public String toString() {
        return "ChangeSet" + operations + (lease == null ? "" : " lease=" + lease);
    }
}
