package io.khora.persistence;

import java.util.Collections;

/** A query for several entries by id: one round trip ({@code id IN (…)}), not one per id. */
public class DataSourceIdsQuery extends DataSourceQuery {
    private final String idProperty;
    private final Object[] ids;

    /**
     * @param typeName type name
     * @param type entry class or null
     * @param idProperty name of the id property
     * @param ids the ids (at least one)
     */
    public DataSourceIdsQuery(String typeName, Class<?> type, String idProperty, Object[] ids) {
        super(typeName, type, idProperty + " IN (" + String.join(", ", Collections.nCopies(ids.length, "?")) + ")", ids, "");
        if (ids.length == 0) {
            throw new IllegalArgumentException("an ids query needs at least one id");
        }
        this.idProperty = idProperty;
        this.ids = ids.clone();
    }

    /** The id property's name. */
    public String getIdPropertyName() {
        return idProperty;
    }

    /** The ids. */
    public Object[] getIds() {
        return ids.clone();
    }
}
