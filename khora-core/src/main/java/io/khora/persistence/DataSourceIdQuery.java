package io.khora.persistence;

/** A query for one entry by id (and routing value, when the routing property is not the id). */
public class DataSourceIdQuery extends DataSourceQuery {
    private final String idProperty;
    private final Object id;
    private final Object routing;

    /**
     * @param typeName type name
     * @param type entry class or null
     * @param idProperty name of the id property
     * @param id the id
     * @param routing the routing value, or null if unknown
     */
    public DataSourceIdQuery(String typeName, Class<?> type, String idProperty, Object id, Object routing) {
        super(typeName, type, idProperty + " = ?", new Object[] {id}, "");
        this.idProperty = idProperty;
        this.id = id;
        this.routing = routing;
    }

    /** The id property's name. */
    public String getIdPropertyName() {
        return idProperty;
    }

    /** The id. */
    public Object getId() {
        return id;
    }

    /** The routing value, or null. */
    public Object getRouting() {
        return routing;
    }
}
