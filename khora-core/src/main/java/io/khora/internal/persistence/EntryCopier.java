package io.khora.internal.persistence;

import io.khora.internal.engine.SpaceEntry;

/** Makes a fresh user object (POJO, record or document) of a stored entry, so callers cannot alter the space's state. */
@FunctionalInterface
public interface EntryCopier {
    /** A fresh user object for {@code e}. */
    Object toEntry(SpaceEntry e);
}
