package io.khora.internal.wire;

/**
 * Finds the classes named on the wire (enums, records, typed arrays, Java-serialized objects):
 * first through the thread context class loader, then through the loader that loaded this
 * package. Classes are looked up without being initialized.
 */
final class ClassResolver {
    private ClassResolver() {
    }

    /** The class named {@code name}, or a {@link WireFormatException} at {@code offset}. */
    static Class<?> resolve(String name, String what, int offset) {
        try {
            return load(name);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new WireFormatException("unknown " + what + " class " + name
                    + " (not on this JVM's class path)", offset, e);
        }
    }

    /** Loads {@code name} through the context loader, falling back to this package's loader. */
    static Class<?> load(String name) throws ClassNotFoundException {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            try {
                return Class.forName(name, false, context);
            } catch (ClassNotFoundException e) {
                // fall through to our own loader
            }
        }
        return Class.forName(name, false, ClassResolver.class.getClassLoader());
    }
}
