package io.khora.keyed;

import io.khora.Lease;
import io.khora.Period;
import io.khora.Space;
import io.khora.document.SpaceDocument;
import io.khora.document.SpaceDocumentType;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link KeyedSpace} over a {@link Space}: each item is a document whose id is the key, so
 * waiting gets and takes are the space's by-id waiters (woken by the put, FIFO, one taker).
 */
final class DocumentKeyedSpace implements KeyedSpace {
    static final String TYPE = "io.khora.keyed.Item";
    static final SpaceDocumentType ITEM_TYPE = SpaceDocumentType.builder(TYPE)
            .id("key", Object.class)
            .property("value", Object.class)
            .property("lease", Long.class)
            .dynamicProperties(false)
            .build();

    private final Space space;
    private final int partitions;
    private final Runnable onClose;

    DocumentKeyedSpace(Space space, int partitions, Runnable onClose) {
        this.space = space;
        this.partitions = partitions;
        this.onClose = onClose;
    }

    int partitions() {
        return partitions;
    }

    @Override
    public String name() {
        return space.name();
    }

    @Override
    public <T> CompletableFuture<KeyItem<T>> put(Key key, Item<T> item) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(item, "item must not be null");
        SpaceDocument doc = new SpaceDocument(TYPE)
                .setProperty("key", key.value())
                .setProperty("value", item.value())
                .setProperty("lease", item.lease().toMillis());
        return space.async().write(doc, item.lease(), io.khora.WriteMode.UPDATE_OR_WRITE)
                .thenApply(h -> new KeyItem<>(key, item));
    }

    @Override
    public <T> CompletableFuture<Optional<KeyItem<T>>> get(Key key, Period until) {
        Objects.requireNonNull(key, "key must not be null");
        return MappedFuture.of(space.async().readById(TYPE, key.value(), until), d -> toKeyItem(key, d));
    }

    @Override
    public <T> CompletableFuture<Optional<KeyItem<T>>> take(Key key, Period until) {
        Objects.requireNonNull(key, "key must not be null");
        return MappedFuture.of(space.async().takeById(TYPE, key.value(), until), d -> toKeyItem(key, d));
    }

    @SuppressWarnings("unchecked")
    private static <T> Optional<KeyItem<T>> toKeyItem(Key key, SpaceDocument d) {
        if (d == null) {
            return Optional.empty();
        }
        long lease = d.<Long>get("lease");
        Lease l = lease == Long.MAX_VALUE ? Lease.FOREVER : Lease.ofMillis(lease);
        return Optional.of(new KeyItem<>(key, Item.of((T) d.getProperty("value"), l)));
    }

    @Override
    public void close() {
        onClose.run();
        space.close();
    }

    @Override
    public String toString() {
        return "KeyedSpace[" + name() + ", " + partitions + " partitions]";
    }
}
