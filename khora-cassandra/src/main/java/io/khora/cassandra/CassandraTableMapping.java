package io.khora.cassandra;

import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How one space class maps to one Cassandra table: every bean property (a getter and a setter) is a
 * column of the same name in lower case, the id property is the table's (single-column) partition
 * key, and the routing property — the id unless {@link Builder#routingProperty} names another — is
 * what the space partitions by. Property types map to CQL types as in {@link CqlTypes}.
 *
 * <pre>{@code
 * CassandraTableMapping<Order> orders = CassandraTableMapping.builder(Order.class, "shop", "orders")
 *         .idProperty("id").routingProperty("customerId").build();
 * }</pre>
 *
 * @param <T> the space class
 */
public final class CassandraTableMapping<T> {
    /** A CQL identifier Khora writes unquoted. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,47}");

    private final Class<T> type;
    private final String keyspace;
    private final String table;
    private final String idProperty;
    private final String routingProperty;
    private final Map<String, Column> columns;
    private final Constructor<T> constructor;

    /** One mapped property. */
    record Column(String property, String name, Class<?> javaType, Method getter, Method setter) {
    }

    private CassandraTableMapping(Builder<T> b) {
        this.type = b.type;
        this.keyspace = checkIdentifier("keyspace", b.keyspace);
        this.table = checkIdentifier("table", b.table);
        Map<String, Column> cols = new LinkedHashMap<>();
        try {
            for (PropertyDescriptor pd : Introspector.getBeanInfo(type, Object.class).getPropertyDescriptors()) {
                if (pd.getReadMethod() == null || pd.getWriteMethod() == null || b.excluded.contains(pd.getName())) {
                    continue;
                }
                String column = checkIdentifier("column of property '" + pd.getName() + "' of " + type.getName(),
                        pd.getName().toLowerCase(Locale.ROOT));
                Class<?> javaType = CqlTypes.boxed(pd.getPropertyType());
                CqlTypes.cqlType(javaType, type.getName() + "." + pd.getName());
                cols.put(pd.getName(), new Column(pd.getName(), column, javaType, pd.getReadMethod(), pd.getWriteMethod()));
            }
        } catch (IntrospectionException e) {
            throw new IllegalArgumentException("cannot read the bean properties of " + type.getName() + ": " + e.getMessage(), e);
        }
        this.columns = Collections.unmodifiableMap(cols);
        this.idProperty = requireProperty("id", b.idProperty);
        this.routingProperty = requireProperty("routing", b.routingProperty == null ? b.idProperty : b.routingProperty);
        try {
            this.constructor = type.getDeclaredConstructor();
            this.constructor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(type.getName() + " needs a no-argument constructor to be read from Cassandra", e);
        }
    }

    private String requireProperty(String what, String property) {
        Objects.requireNonNull(property, what + " property of " + type.getName());
        if (!columns.containsKey(property)) {
            throw new IllegalArgumentException("the " + what + " property '" + property + "' is not a bean property (getter and setter) of "
                    + type.getName() + "; its properties are " + columns.keySet());
        }
        return property;
    }

    static String checkIdentifier(String what, String name) {
        Objects.requireNonNull(name, what);
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("the " + what + " name '" + name + "' is not a CQL identifier Khora accepts ("
                    + IDENTIFIER.pattern() + ")");
        }
        return name;
    }

    /** A builder for {@code type} stored in {@code keyspace.table}. */
    public static <T> Builder<T> builder(Class<T> type, String keyspace, String table) {
        return new Builder<>(type, keyspace, table);
    }

    /** The space class. */
    public Class<T> type() {
        return type;
    }

    /** The keyspace. */
    public String keyspace() {
        return keyspace;
    }

    /** The table. */
    public String table() {
        return table;
    }

    /** {@code keyspace.table}. */
    public String qualifiedTable() {
        return keyspace + "." + table;
    }

    /** The id property (the table's partition key). */
    public String idProperty() {
        return idProperty;
    }

    /** The routing property. */
    public String routingProperty() {
        return routingProperty;
    }

    /** Whether the space routes by the table's partition key. */
    public boolean routesByPartitionKey() {
        return routingProperty.equals(idProperty);
    }

    /** The mapped properties, in declaration order of the bean introspector. */
    public List<String> properties() {
        return List.copyOf(columns.keySet());
    }

    /** The column of {@code property}, or null if it is not mapped. */
    public String columnOf(String property) {
        Column c = columns.get(property);
        return c == null ? null : c.name();
    }

    Column column(String property) {
        Column c = columns.get(property);
        if (c == null) {
            throw new IllegalArgumentException("property '" + property + "' is not mapped to a column of " + qualifiedTable()
                    + "; mapped: " + columns.keySet());
        }
        return c;
    }

    List<Column> columns() {
        return new ArrayList<>(columns.values());
    }

    Column idColumn() {
        return columns.get(idProperty);
    }

    Column routingColumn() {
        return columns.get(routingProperty);
    }

    /** A new instance with every property set from {@code values} (property → value). */
    T newInstance(Map<String, Object> values) {
        try {
            T entry = constructor.newInstance();
            for (Column c : columns.values()) {
                Object v = values.get(c.property());
                if (v == null && c.setter().getParameterTypes()[0].isPrimitive()) {
                    continue; // a null column leaves a primitive at its default
                }
                c.setter().invoke(entry, v);
            }
            return entry;
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot create a " + type.getName() + " from a row of " + qualifiedTable() + ": " + e, e);
        }
    }

    /** The value of {@code column}'s property of {@code entry}. */
    Object get(Column column, Object entry) {
        try {
            return column.getter().invoke(entry);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + type.getName() + "." + column.property() + ": " + e, e);
        }
    }

    /** Builds a {@link CassandraTableMapping}. */
    public static final class Builder<T> {
        private final Class<T> type;
        private final String keyspace;
        private final String table;
        private String idProperty = "id";
        private String routingProperty;
        private final java.util.Set<String> excluded = new java.util.HashSet<>();

        private Builder(Class<T> type, String keyspace, String table) {
            this.type = Objects.requireNonNull(type, "type");
            this.keyspace = keyspace;
            this.table = table;
        }

        /** The id property, the table's partition key (default {@code id}). */
        public Builder<T> idProperty(String property) {
            this.idProperty = Objects.requireNonNull(property, "idProperty");
            return this;
        }

        /** The routing property when it is not the id. */
        public Builder<T> routingProperty(String property) {
            this.routingProperty = Objects.requireNonNull(property, "routingProperty");
            return this;
        }

        /** A bean property that is not stored. */
        public Builder<T> exclude(String property) {
            excluded.add(Objects.requireNonNull(property, "excluded property"));
            return this;
        }

        /** The mapping; throws {@link IllegalArgumentException} naming what does not map. */
        public CassandraTableMapping<T> build() {
            return new CassandraTableMapping<>(this);
        }
    }
}
