package io.khora.internal.router;

import io.khora.Space;

/**
 * The service behind {@link io.khora.Spaces#connect}: a module that can reach remote spaces
 * (khora-cluster's client) registers an implementation with {@link java.util.ServiceLoader}, so
 * the core API needs no dependency on the network layer. Not an API for applications.
 */
public interface SpaceConnector {
    /** Whether this connector understands {@code uri} (by its scheme). */
    boolean accepts(String uri);

    /** Connects to the space {@code uri} names; fails with a message naming what is wrong in the URI or unreachable. */
    Space connect(String uri);
}
