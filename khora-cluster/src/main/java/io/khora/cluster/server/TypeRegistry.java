package io.khora.cluster.server;

import io.khora.SpaceTypeException;
import io.khora.cluster.raft.TypeDeclaration;
import io.khora.internal.metadata.TypeDescriptor;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entry types clients declared to a node for one space: each name's declaration and the
 * node-side descriptor built from it (the node has no user classes; it works on values arrays).
 * A second declaration of a name must be equal to the first.
 */
final class TypeRegistry {
    /** A declared type: the descriptor and the declaration it was built from. */
    record Declared(TypeDescriptor descriptor, TypeDeclaration declaration) {
    }

    private final String space;
    private final Map<String, Declared> types = new ConcurrentHashMap<>();

    TypeRegistry(String space) {
        this.space = space;
    }

    /**
     * Declares types, supertypes first; answers the ones newly declared. Fails, declaring none of
     * the rest, on a conflict or a missing supertype.
     */
    synchronized List<Declared> declare(List<TypeDeclaration> declarations) {
        java.util.ArrayList<Declared> added = new java.util.ArrayList<>();
        for (TypeDeclaration d : declarations) {
            Declared known = types.get(d.name());
            if (known != null) {
                if (!known.declaration().equals(d)) {
                    throw new SpaceTypeException("type " + d.name() + " is declared in space '" + space + "' with another layout: "
                            + known.declaration().properties() + " (this client has " + d.properties() + ")");
                }
                continue;
            }
            TypeDescriptor sup = null;
            if (d.superName() != null) {
                Declared s = types.get(d.superName());
                if (s == null) {
                    throw new SpaceTypeException("type " + d.name() + " needs its supertype " + d.superName() + " declared first");
                }
                sup = s.descriptor();
            }
            Declared n = new Declared(d.toDescriptor(sup), d);
            types.put(d.name(), n);
            added.add(n);
        }
        return added;
    }

    /** Every declared type. */
    java.util.Collection<Declared> all() {
        return types.values();
    }

    /** The descriptor of a declared type; fails with a clear message for an undeclared one. */
    TypeDescriptor get(String name) {
        Declared d = types.get(name);
        if (d == null) {
            throw new SpaceTypeException("type " + name + " was not declared to this node for space '" + space
                    + "' (a client declares its types on each connection before using them)");
        }
        return d.descriptor();
    }
}
