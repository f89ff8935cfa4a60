package io.khora.bench.cluster;

import io.khora.Space;
import io.khora.Spaces;

import java.time.Duration;
import java.util.List;

/**
 * Khora's remote client ({@code Spaces.connect}, khora-cluster): {@code write} (UPDATE_OR_WRITE,
 * lease FOREVER, acknowledged once a majority of the partition's replicas has it — the URI's
 * default), {@code readById} and {@code takeById}, each routed by the id to its partition's leader.
 */
final class KhoraRemoteStore implements RemoteStore {
    /** The space the nodes host ({@link KhoraCluster#SPACE}). */
    private final Space space;

    private KhoraRemoteStore(Space space) {
        this.space = space;
    }

    /** Connects to the space on the nodes at {@code addresses} (host:client-port) and waits until it is READY. */
    static KhoraRemoteStore connect(List<String> addresses, Duration timeout) {
        Space s = Spaces.connect("khora://" + String.join(",", addresses) + "/" + KhoraCluster.SPACE + "?tls=off");
        if (!s.waitForReady(timeout)) {
            s.close();
            throw new IllegalStateException("space " + KhoraCluster.SPACE + " not READY within " + timeout);
        }
        return new KhoraRemoteStore(s);
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
    public boolean take(long id) {
        return space.takeById(Payload.class, id) != null;
    }

    @Override
    public void close() {
        space.close();
    }
}
