package io.khora.cluster.replica;

import io.khora.SpaceTypeException;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.PartitionStateMachine;
import io.khora.cluster.raft.TypeDeclaration;
import io.khora.internal.metadata.TypeDescriptor;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A replica's side of type declarations. A type is declared to the group once (a DECLARE_TYPE entry
 * with its {@link TypeDeclaration}) before the first command that names it; every replica builds
 * its own descriptor from it, so replicas need no user classes. The leader proposes a declaration
 * at most once per term (the names it proposed are the term's, in its {@link LeaderState}) and
 * checks a caller's layout against the one the group has; queries are checked against the
 * replicas' view of a type before they are proposed.
 */
final class TypeDeclarations {
    private final String spaceName;
    private final PartitionStateMachine stateMachine;
    private final Map<TypeDescriptor, TypeDeclaration> declarationCache = new ConcurrentHashMap<>();
    private final Object declareLock = new Object();

    TypeDeclarations(String spaceName, PartitionStateMachine stateMachine) {
        this.spaceName = spaceName;
        this.stateMachine = stateMachine;
    }

    /** The descriptor the replicas build for {@code type} (queries are checked against it before proposing). */
    TypeDescriptor replicaView(TypeDescriptor type) {
        TypeDescriptor applied = stateMachine.type(type.name());
        if (applied != null) {
            return applied;
        }
        TypeDescriptor sup = type.superType() == null ? null : replicaView(type.superType());
        return declarationOf(type).toDescriptor(sup);
    }

    /** Records that {@code type} was built from {@code declaration} (see {@link ReplicatedPartition#useDeclaration}). */
    void use(TypeDescriptor type, TypeDeclaration declaration) {
        declarationCache.put(type, declaration);
    }

    private TypeDeclaration declarationOf(TypeDescriptor type) {
        return declarationCache.computeIfAbsent(type, TypeDeclaration::of);
    }

    /**
     * Proposes the declaration of {@code type} (and its supertypes) with {@code propose} unless the
     * group has it or this leader proposed it in its term ({@code declaredThisTerm}). Proposals
     * enter jgroups-raft's queue in call order, so a command proposed after this returns is logged
     * after the declaration.
     *
     * @throws SpaceTypeException if the group has the type with another layout
     */
    void ensureDeclared(TypeDescriptor type, Set<String> declaredThisTerm, Function<Command, CompletableFuture<Object>> propose) {
        if (type.superType() != null) {
            ensureDeclared(type.superType(), declaredThisTerm, propose);
        }
        TypeDeclaration d = declarationOf(type);
        TypeDeclaration applied = stateMachine.declaration(d.name());
        if (applied != null) {
            if (!applied.equals(d)) {
                throw new SpaceTypeException("type " + d.name() + " is declared in space '" + spaceName
                        + "' with another layout: " + applied.properties() + " (this client has " + d.properties() + ")");
            }
            return;
        }
        if (declaredThisTerm.contains(d.name())) {
            return;
        }
        synchronized (declareLock) {
            if (declaredThisTerm.contains(d.name())) {
                return;
            }
            // queued before the name is published: a command that sees the name is queued after the declaration
            CompletableFuture<Object> declared = propose.apply(new Command.DeclareType(d));
            declaredThisTerm.add(d.name());
            declared.whenComplete((r, ex) -> {
                if (ex != null) {
                    declaredThisTerm.remove(d.name());
                }
            });
        }
    }
}
