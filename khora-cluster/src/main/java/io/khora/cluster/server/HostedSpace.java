package io.khora.cluster.server;

import io.khora.SpaceState;
import io.khora.cluster.replica.ReplicatedPartition;
import io.khora.cluster.raft.TypeDeclaration;

import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One space on one node: the replicas of its partitions this node hosts (started once the space
 * has its minimum number of seeders), and the types clients declared for it.
 */
final class HostedSpace implements AutoCloseable {
    private final ClusterSpec.SpaceSpec spec;
    private final TypeRegistry types;
    private final boolean[] hosted;
    private final AtomicReferenceArray<ReplicatedPartition> replicas;
    private volatile boolean started;
    private volatile boolean closed;

    HostedSpace(ClusterSpec.SpaceSpec spec, boolean[] hosted) {
        this.spec = spec;
        this.types = new TypeRegistry(spec.name());
        this.hosted = hosted.clone();
        this.replicas = new AtomicReferenceArray<>(spec.partitions());
    }

    ClusterSpec.SpaceSpec spec() {
        return spec;
    }

    TypeRegistry types() {
        return types;
    }

    /** Whether this node holds a replica of {@code partition}. */
    boolean hosts(int partition) {
        return partition >= 0 && partition < hosted.length && hosted[partition];
    }

    /** The running replica of {@code partition} here, or null (not hosted, not started yet, or closed). */
    ReplicatedPartition replica(int partition) {
        return partition >= 0 && partition < hosted.length ? replicas.get(partition) : null;
    }

    /** Records a started replica and tells it about the types declared so far. */
    synchronized void started(int partition, ReplicatedPartition r) {
        for (TypeRegistry.Declared d : types.all()) {
            r.useDeclaration(d.descriptor(), d.declaration());
        }
        replicas.set(partition, r);
    }

    /** Takes {@code r} out of service as the replica of {@code partition}; false if it is not the current one. */
    boolean remove(int partition, ReplicatedPartition r) {
        return replicas.compareAndSet(partition, r, null);
    }

    /** Marks the space started (its min-seeders were reached), whether or not every replica is up yet. */
    void markStarted() {
        started = true;
    }

    boolean isStarted() {
        return started;
    }

    /** Declares types (see {@link TypeRegistry#declare}) and hands them to every running replica. */
    synchronized void declare(List<TypeDeclaration> declarations) {
        for (TypeRegistry.Declared d : types.declare(declarations)) {
            for (int p = 0; p < hosted.length; p++) {
                ReplicatedPartition r = replicas.get(p);
                if (r != null) {
                    r.useDeclaration(d.descriptor(), d.declaration());
                }
            }
        }
    }

    /**
     * INITIAL before min-seeders, INVALID once closed, else the worst state of the hosted replicas
     * (READY with a serving leader, RECOVER without; a replica still starting is RECOVER here).
     */
    SpaceState state() {
        if (closed) {
            return SpaceState.INVALID;
        }
        if (!started) {
            return SpaceState.INITIAL;
        }
        SpaceState worst = SpaceState.READY;
        for (int p = 0; p < hosted.length; p++) {
            if (!hosted[p]) {
                continue;
            }
            ReplicatedPartition r = replicas.get(p);
            SpaceState s = r == null ? SpaceState.RECOVER : r.state();
            if (s == SpaceState.INVALID) {
                return s;
            }
            if (s != SpaceState.READY) {
                worst = s;
            }
        }
        return worst;
    }

    /**
     * The leader of {@code partition} as the replica here knows it, or null: not hosted or not running
     * here, no leader known, or this replica itself was elected but does not serve yet.
     */
    String leaderOf(int partition) {
        ReplicatedPartition r = replica(partition);
        if (r == null) {
            return null;
        }
        String leader = r.leader().orElse(null);
        return leader != null && leader.equals(r.config().raftId()) && !r.isLeader() ? null : leader;
    }

    /**
     * Takes the replicas here that lead their partition out of service (from now on requests for
     * those partitions find no replica here) and returns them, for the caller to close: the first
     * step of a graceful stop, so their groups elect new leaders while this node still runs.
     */
    List<ReplicatedPartition> removeLeaders() {
        List<ReplicatedPartition> out = new java.util.ArrayList<>();
        for (int p = 0; p < hosted.length; p++) {
            ReplicatedPartition r = replicas.get(p);
            if (r != null && r.isLeader() && replicas.compareAndSet(p, r, null)) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        for (int p = 0; p < hosted.length; p++) {
            ReplicatedPartition r = replicas.getAndSet(p, null);
            if (r != null) {
                r.close();
            }
        }
    }
}
