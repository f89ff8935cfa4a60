package io.khora.bench.cluster;

import io.khora.Space;
import io.khora.Spaces;

import java.time.Duration;
import java.util.List;

/**
 * Khora's remote client ({@code Spaces.connect}, khora-cluster): {@code write} (UPDATE_OR_WRITE,
 * lease FOREVER, acknowledged once a majority of the partition's replicas has it — the URI's
 * default), {@code readById} and {@code takeById}, each routed by the id to its partition's leader.
 * The URI's options say how the client is secured (TLS and SCRAM, or {@code tls=off}: {@link KhoraSecurity}). Two clients share
 * the JVM: one with the URI's defaults (writes, takes, and linearizable reads —
 * answered once a majority of the partition's group confirmed the leader) and one connected with
 * {@code reads=leader-local} for {@link #readLeaderLocal}.
 */
final class KhoraRemoteStore implements RemoteStore {
    /** The space the nodes host ({@link KhoraCluster#SPACE}), with the URI's defaults. */
    private final Space space;
    /** The same space through a second client connected with {@code reads=leader-local}. */
    private final Space leaderLocal;

    private KhoraRemoteStore(Space space, Space leaderLocal) {
        this.space = space;
        this.leaderLocal = leaderLocal;
    }

    /**
     * Connects both clients to the space on the nodes at {@code addresses} (host:client-port), with the URI options {@code options}
     * ({@link KhoraSecurity#uriOptions()}: TLS and the user, or {@code tls=off}), and waits until it is READY.
     */
    static KhoraRemoteStore connect(List<String> addresses, String options, Duration timeout) {
        String uri = "khora://" + String.join(",", addresses) + "/" + KhoraCluster.SPACE + "?" + options;
        Space s = connect(uri, timeout);
        try {
            return new KhoraRemoteStore(s, connect(uri + "&reads=leader-local", timeout));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** One client with {@code near-cache=true&near-cache-size=entries}: its reads by id go through the near cache. */
    static KhoraRemoteStore connectNearCached(List<String> addresses, String options, Duration timeout, int entries) {
        String uri = "khora://" + String.join(",", addresses) + "/" + KhoraCluster.SPACE + "?" + options + "&near-cache=true&near-cache-size="
                + entries;
        Space s = connect(uri, timeout);
        return new KhoraRemoteStore(s, s);
    }

    private static Space connect(String uri, Duration timeout) {
        Space s = Spaces.connect(uri);
        if (!s.waitForReady(timeout)) {
            s.close();
            throw new IllegalStateException("space " + KhoraCluster.SPACE + " not READY within " + timeout + " (" + uri + ")");
        }
        return s;
    }

    @Override
    public void write(Payload p) {
        space.write(p);
    }

    @Override
    public boolean read(long id) {
        return space.readById(Payload.class, id) != null;
    }

    @Override
    public boolean hasLeaderLocalReads() {
        return true;
    }

    @Override
    public boolean readLeaderLocal(long id) {
        return leaderLocal.readById(Payload.class, id) != null;
    }

    @Override
    public boolean take(long id) {
        return space.takeById(Payload.class, id) != null;
    }

    @Override
    public void close() {
        try {
            if (leaderLocal != space) {
                leaderLocal.close();
            }
        } finally {
            space.close();
        }
    }
}
