package io.khora;

/** A {@link WriteMode#WRITE_ONLY} write found an entry with the same id. */
public class EntryAlreadyExistsException extends SpaceException {
    private final Object id;

    /** For entry {@code id} of {@code typeName}. */
    public EntryAlreadyExistsException(String typeName, Object id) {
        super("WRITE_ONLY: an entry of " + typeName + " with id=" + id + " already exists");
        this.id = id;
    }

    /** The id of the entry. */
    public Object id() {
        return id;
    }
}
