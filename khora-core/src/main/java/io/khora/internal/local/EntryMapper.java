package io.khora.internal.local;

import io.khora.Query;
import io.khora.SpaceTypeException;
import io.khora.document.SpaceDocument;
import io.khora.document.SpaceDocumentType;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.metadata.DocumentTypes;
import io.khora.internal.metadata.PropertyDescriptor;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.internal.persistence.EntryMapping;
import io.khora.internal.query.CompiledQuery;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of a space: resolves the type of an entry, class or query, turns user entries
 * into values arrays and back (copying mutable collections, so a caller can never change a stored
 * entry behind the space's back), generates ids, checks id types, and compiles queries. Holds the
 * space's registered document types.
 */
public final class EntryMapper implements EntryMapping {
    private final ConcurrentHashMap<String, TypeDescriptor> documentTypes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, SpaceDocumentType> documentDeclarations = new ConcurrentHashMap<>();
    private final String idPrefix = new BigInteger(60, new SecureRandom()).toString(36) + "-";
    private final AtomicLong idCounter = new AtomicLong();

    /** Declares a document type; idempotent for an equal declaration. */
    public void registerType(SpaceDocumentType type) {
        Objects.requireNonNull(type, "document type");
        SpaceDocumentType prev = documentDeclarations.putIfAbsent(type.name(), type);
        if (prev == null) {
            documentTypes.put(type.name(), DocumentTypes.describe(type));
        } else if (!sameDeclaration(prev, type)) {
            throw new SpaceTypeException("document type '" + type.name() + "' is already registered with a different declaration");
        }
    }

    private static boolean sameDeclaration(SpaceDocumentType a, SpaceDocumentType b) {
        return a.idProperty().equals(b.idProperty()) && a.routingProperty().equals(b.routingProperty())
                && Objects.equals(a.versionProperty(), b.versionProperty()) && a.autoGenerateId() == b.autoGenerateId()
                && a.propertyTypes().equals(b.propertyTypes()) && a.indexes().equals(b.indexes())
                && a.supportsDynamicProperties() == b.supportsDynamicProperties();
    }

    /** The descriptor of a registered document type. */
    public TypeDescriptor documentType(String name) {
        TypeDescriptor t = documentTypes.get(name);
        if (t == null) {
            throw new SpaceTypeException("unknown document type '" + name + "': register it first with Space.registerType("
                    + "SpaceDocumentType.builder(\"" + name + "\")…build())");
        }
        return t;
    }

    /** The descriptor of {@code type}. */
    public TypeDescriptor describe(Class<?> type) {
        Objects.requireNonNull(type, "type");
        if (type == SpaceDocument.class) {
            throw new SpaceTypeException("name the document type: use the String typeName overloads for SpaceDocument");
        }
        return TypeIntrospector.describe(type);
    }

    /** The descriptor of an entry object. */
    @Override
    public TypeDescriptor describeEntry(Object entry) {
        if (entry instanceof SpaceDocument doc) {
            return documentType(doc.getTypeName());
        }
        return TypeIntrospector.describe(entry.getClass());
    }

    /** The descriptor a query runs on. */
    public TypeDescriptor describe(Query<?> query) {
        return query.isDocumentQuery() ? documentType(query.typeName()) : describe(query.type());
    }

    /** Compiles {@code query}. */
    public CompiledQuery compile(Query<?> query) {
        Objects.requireNonNull(query, "query");
        TypeDescriptor type = query.isTemplate() ? describeEntry(query.template()) : describe(query);
        if (query.isTemplate()) {
            return CompiledQuery.template(type.codec().toValues(query.template()), type);
        }
        if (query.where().isBlank()) {
            return CompiledQuery.all(type);
        }
        return CompiledQuery.compile(query.where(), query.args(), type);
    }

    /**
     * The values array of {@code entry}, with its id generated if needed (and written back into the
     * entry when it is mutable).
     */
    @Override
    public Object[] toValues(TypeDescriptor type, Object entry) {
        Object[] values = type.codec().toValues(entry);
        copyMutable(type, values);
        int idx = type.idIndex();
        if (values[idx] == null) {
            if (!type.autoGenerateId()) {
                throw new SpaceTypeException("entry of " + type.name() + " has a null id property '" + type.property(idx).name()
                        + "': set it, or declare it @SpaceId(autoGenerate = true)");
            }
            String id = idPrefix + Long.toString(idCounter.incrementAndGet(), 36);
            values[idx] = id;
            type.codec().writeBack(entry, idx, id);
        }
        return values;
    }

    /** A fresh user entry for a stored one. */
    @Override
    public Object toEntry(SpaceEntry e) {
        TypeDescriptor type = e.type();
        if (!hasMutable(type)) {
            return type.codec().fromValues(e.values());
        }
        Object[] copy = e.values().clone();
        copyMutable(type, copy);
        return type.codec().fromValues(copy);
    }

    /** {@link #toEntry} of a stored entry, or null for none. */
    public Object toEntryOrNull(SpaceEntry e) {
        return e == null ? null : toEntry(e);
    }

    /** Fresh user entries of {@code type} for stored ones, in order. */
    public <T> List<T> toEntries(Class<T> type, List<SpaceEntry> entries) {
        List<T> out = new ArrayList<>(entries.size());
        for (SpaceEntry e : entries) {
            out.add(type.cast(toEntry(e)));
        }
        return out;
    }

    /** Refuses a negative {@code max} of a multiple read or take. */
    static void requireMax(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative, got " + max);
        }
    }

    /**
     * Checks and normalises an id given for {@code type}: a wider integral type is accepted when
     * lossless (an {@code Integer} for a {@code Long} id), anything else of the wrong type is an error.
     */
    public Object checkId(TypeDescriptor type, Object id) {
        Objects.requireNonNull(id, () -> "id for " + type.name() + " must not be null");
        PropertyDescriptor pd = type.property(type.idIndex());
        Class<?> t = pd.type();
        if (t.isInstance(id) || t == Object.class) {
            return id;
        }
        if (id instanceof Number n && (id instanceof Integer || id instanceof Long || id instanceof Short || id instanceof Byte)) {
            long v = n.longValue();
            if (t == Long.class) {
                return v;
            } else if (t == Integer.class && v == (int) v) {
                return (int) v;
            } else if (t == Short.class && v == (short) v) {
                return (short) v;
            }
        }
        throw new SpaceTypeException("id property '" + pd.name() + "' of " + type.name() + " is a " + t.getName()
                + ", but the id given is a " + id.getClass().getName() + " (" + id + ")");
    }

    private final ConcurrentHashMap<TypeDescriptor, int[]> mutablePositions = new ConcurrentHashMap<>();

    private boolean hasMutable(TypeDescriptor type) {
        return positions(type).length > 0;
    }

    private int[] positions(TypeDescriptor type) {
        int[] p = mutablePositions.get(type);
        if (p == null) {
            List<Integer> l = new ArrayList<>();
            for (PropertyDescriptor pd : type.properties()) {
                Class<?> t = pd.type();
                if (Collection.class.isAssignableFrom(t) || Map.class.isAssignableFrom(t) || t.isArray() || t == Object.class) {
                    l.add(pd.position());
                }
            }
            if (type.dynamicSlot() >= 0) {
                l.add(type.dynamicSlot());
            }
            p = l.stream().mapToInt(Integer::intValue).toArray();
            mutablePositions.put(type, p);
        }
        return p;
    }

    private void copyMutable(TypeDescriptor type, Object[] values) {
        for (int pos : positions(type)) {
            values[pos] = copyOf(values[pos]);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object copyOf(Object v) {
        if (v instanceof SortedSet<?> s) {
            return new TreeSet<>((SortedSet) s);
        } else if (v instanceof Set<?> s) {
            return new LinkedHashSet<>(s);
        } else if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        } else if (v instanceof Map<?, ?> m) {
            return new LinkedHashMap<>(m);
        } else if (v instanceof Collection<?> c) {
            return new ArrayList<>(c);
        } else if (v instanceof Object[] a) {
            return a.clone();
        } else if (v instanceof int[] a) {
            return a.clone();
        } else if (v instanceof long[] a) {
            return a.clone();
        } else if (v instanceof double[] a) {
            return a.clone();
        } else if (v instanceof byte[] a) {
            return a.clone();
        }
        return v;
    }
}
