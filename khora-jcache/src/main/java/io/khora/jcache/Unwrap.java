package io.khora.jcache;

import java.util.Objects;

/** The {@code unwrap(Class)} of the JSR-107 types: the first candidate of the class asked for. */
final class Unwrap {
    private Unwrap() {
    }

    /**
     * The first of {@code candidates} that is a {@code clazz}.
     *
     * @param what what is unwrapped, for the error ("a cache entry")
     * @throws IllegalArgumentException naming {@code what} and the class if none is
     */
    static <T> T to(Class<T> clazz, String what, Object... candidates) {
        Objects.requireNonNull(clazz, "class must not be null");
        for (Object c : candidates) {
            if (clazz.isInstance(c)) {
                return clazz.cast(c);
            }
        }
        throw new IllegalArgumentException(what + " cannot be unwrapped to " + clazz.getName());
    }
}
