package io.khora;

/** An operation that needs an existing entry ({@link WriteMode#UPDATE_ONLY}, a lease renewal) found none. */
public class EntryNotFoundException extends SpaceException {
    private final Object id;

    /** For entry {@code id} of {@code typeName}. */
    public EntryNotFoundException(String typeName, Object id, String operation) {
        super(operation + ": no entry of " + typeName + " with id=" + id);
        this.id = id;
    }

    /** The id looked for. */
    public Object id() {
        return id;
    }
}
