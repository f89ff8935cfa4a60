package io.khora.keyed;

import io.khora.Period;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The key/item protocol of seed 003: {@code put} an {@link Item} under a {@link Key}, {@code get} or
 * {@code take} it, waiting up to a {@link Period} for the key to appear. Every answer is eventual (a
 * {@link CompletableFuture}). Waiting is woken by the put of the key, never by polling; any number
 * of getters may wait on one key, and a take hands an item to exactly one taker.
 */
public interface KeyedSpace extends AutoCloseable {
    /** The space's name. */
    String name();

    /** Puts {@code item} under {@code key}, replacing any item there (and its lease). */
    <T> CompletableFuture<KeyItem<T>> put(Key key, Item<T> item);

    /** The item under {@code key}, waiting up to {@code until} for it; empty if none came. Cancelling withdraws the wait. */
    <T> CompletableFuture<Optional<KeyItem<T>>> get(Key key, Period until);

    /**
     * Removes and answers the item under {@code key}, waiting up to {@code until}; empty if none came.
     * Cancelling the answered future withdraws the waiting take, so a later put of the key stays in the
     * space; if the take already removed an item, {@code cancel} answers false and the future carries it.
     */
    <T> CompletableFuture<Optional<KeyItem<T>>> take(Key key, Period until);

    /** Closes the space; pending gets and takes fail with {@link io.khora.SpaceClosedException}. */
    @Override
    void close();
}
