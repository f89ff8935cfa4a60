package io.khora.cluster.client;

import io.khora.Query;
import io.khora.SpaceTypeException;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.StoredEntry;
import io.khora.cluster.raft.TypeDeclaration;
import io.khora.document.SpaceDocumentType;
import io.khora.internal.local.EntryMapper;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.internal.query.CompiledQuery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client's side of entry types: POJOs, records and documents mapped to values arrays and back
 * (the same {@link EntryMapper} an embedded space uses), the declarations a node needs, queries
 * compiled locally (so a bad query fails here, with the caret, before any network) and turned into
 * the {@link Command.QuerySpec} the node runs.
 */
final class RemoteTypes {
    private final EntryMapper mapper = new EntryMapper();
    private final Map<TypeDescriptor, List<TypeDeclaration>> declarations = new ConcurrentHashMap<>();
    private final Map<String, TypeDescriptor> byName = new ConcurrentHashMap<>();

    EntryMapper mapper() {
        return mapper;
    }

    void registerType(SpaceDocumentType type) {
        mapper.registerType(type);
    }

    /** The declarations of {@code type} and its supertypes, root first. */
    List<TypeDeclaration> declarations(TypeDescriptor type) {
        return declarations.computeIfAbsent(type, t -> {
            List<TypeDeclaration> chain = new ArrayList<>();
            for (TypeDescriptor d = t; d != null; d = d.superType()) {
                chain.add(TypeDeclaration.of(d));
                byName.putIfAbsent(d.name(), d);
            }
            Collections.reverse(chain);
            return List.copyOf(chain);
        });
    }

    /** The descriptor of a class (not SpaceDocument: documents go by type name). */
    TypeDescriptor describe(Class<?> type) {
        TypeDescriptor d = mapper.describe(type);
        byName.putIfAbsent(d.name(), d);
        return d;
    }

    /** The descriptor of a registered document type. */
    TypeDescriptor document(String name) {
        return mapper.documentType(name);
    }

    /** The descriptor of a user object. */
    TypeDescriptor describeEntry(Object entry) {
        TypeDescriptor d = mapper.describeEntry(entry);
        byName.putIfAbsent(d.name(), d);
        return d;
    }

    /** The query compiled here (checks it, gives its routing value and ordering). */
    CompiledQuery compile(Query<?> query) {
        return mapper.compile(query);
    }

    /** The form the node runs. */
    Command.QuerySpec spec(Query<?> query, CompiledQuery compiled) {
        if (query.isTemplate()) {
            TypeDescriptor t = compiled.type();
            return Command.QuerySpec.template(t.codec().toValues(query.template()));
        }
        if (query.where().isBlank()) {
            return Command.QuerySpec.all();
        }
        return Command.QuerySpec.text(query.where(), query.args());
    }

    /** A user object for a stored entry ({@code hint}: the type asked for, which the entry's is or extends). */
    Object toEntry(StoredEntry e, TypeDescriptor hint) {
        return typeNamed(e.typeName(), hint).codec().fromValues(e.values());
    }

    private TypeDescriptor typeNamed(String name, TypeDescriptor hint) {
        if (hint.name().equals(name)) {
            return hint;
        }
        TypeDescriptor known = byName.get(name);
        if (known != null) {
            return known;
        }
        if (hint.kind() == TypeDescriptor.Kind.DOCUMENT) {
            return mapper.documentType(name);
        }
        try {
            ClassLoader cl = hint.javaType().getClassLoader();
            TypeDescriptor d = TypeIntrospector.describe(Class.forName(name, true, cl != null ? cl : Thread.currentThread().getContextClassLoader()));
            byName.putIfAbsent(name, d);
            return d;
        } catch (ClassNotFoundException e) {
            throw new SpaceTypeException("the space holds an entry of type " + name + ", a subtype of " + hint.name()
                    + ", whose class this client cannot load");
        }
    }
}
