package io.khora;

/** An update carried a version that is not the stored one; the stored entry is unchanged. */
public class EntryVersionConflictException extends SpaceException {
    private final Object id;
    private final long expectedVersion;
    private final long actualVersion;

    /** For entry {@code id} of {@code typeName}. */
    public EntryVersionConflictException(String typeName, Object id, long givenVersion, long storedVersion) {
        super("version conflict on " + typeName + " id=" + id + ": update carries version " + givenVersion
                + " but the space holds version " + storedVersion);
        this.id = id;
        this.expectedVersion = givenVersion;
        this.actualVersion = storedVersion;
    }

    /** The id of the entry. */
    public Object id() {
        return id;
    }

    /** The version the update carried. */
    public long givenVersion() {
        return expectedVersion;
    }

    /** The version the space holds. */
    public long storedVersion() {
        return actualVersion;
    }
}
