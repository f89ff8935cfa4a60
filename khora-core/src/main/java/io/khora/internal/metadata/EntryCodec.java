package io.khora.internal.metadata;

/**
 * Converts between a user entry (POJO, record or document) and the engine's values array. One
 * per type, built once at introspection; no reflection on the hot path.
 */
public interface EntryCodec {
    /** The entry's property values, in property-position order (plus the dynamic-properties map last, for documents). */
    Object[] toValues(Object entry);

    /** A new user entry holding {@code values}. */
    Object fromValues(Object[] values);

    /**
     * Writes one property value back into a mutable user entry (a generated id, a new version).
     *
     * @return false if the entry is immutable (a record) and was left unchanged
     */
    boolean writeBack(Object entry, int position, Object value);
}
