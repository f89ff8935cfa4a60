package io.khora.cluster.client;

import io.khora.SpaceEvent;
import io.khora.SpaceEventType;
import io.khora.SpaceException;
import io.khora.SpaceListener;
import io.khora.Subscription;
import io.khora.cluster.protocol.Request;
import io.khora.internal.lifecycle.SerialExecutor;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.khora.cluster.raft.Command;
import io.khora.internal.metadata.TypeDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A remote subscription: one stream per partition the query can match, each opened at that
 * partition's leader. When a leader stops leading (or its node goes away) the stream ends and is
 * opened again at the new leader; events applied in between are not delivered (at most once —
 * re-read what matters after a fail-over). Events reach the listener one at a time, in order per
 * partition (so per entry), on the client's callback threads.
 */
final class RemoteSubscription<T> implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteSubscription.class);

    private final ClusterClient client;
    private final RemoteTypes types;
    private final TypeDescriptor type;
    private final Command.QuerySpec query;
    private final Set<SpaceEventType> events;
    private final SpaceListener<T> listener;
    private final Executor delivery;
    private final AtomicReferenceArray<ClusterClient.Stream> streams;
    private final AtomicBoolean active = new AtomicBoolean(true);
    private final StreamWatch watch;

    /**
     * What happens to a subscription's streams, told on the network thread as it happens (before the
     * listener hears of it): for those that must not miss that events were missed (the near cache).
     */
    interface StreamWatch {
        /** The stream of {@code partition} is open: its events from now on arrive. */
        void opened(int partition);

        /** An event of {@code partition} arrived (in the partition's order). */
        void event(int partition, Responses.Event e);

        /** The stream of {@code partition} ended (events are missed until it is open again), or the subscription did ({@code -1}). */
        void lost(int partition);
    }

    RemoteSubscription(ClusterClient client, RemoteTypes types, TypeDescriptor type, Command.QuerySpec query, Set<SpaceEventType> events,
                       SpaceListener<T> listener, Executor callbacks) {
        this(client, types, type, query, events, listener, callbacks, null);
    }

    /**
     * @param listener who gets the events (null: only {@code watch})
     * @param watch who hears of the streams' events, ends and openings first (or null)
     */
    RemoteSubscription(ClusterClient client, RemoteTypes types, TypeDescriptor type, Command.QuerySpec query, Set<SpaceEventType> events,
                       SpaceListener<T> listener, Executor callbacks, StreamWatch watch) {
        this.watch = watch;
        this.client = client;
        this.types = types;
        this.type = type;
        this.query = query;
        this.events = Set.copyOf(events);
        this.listener = listener;
        this.delivery = new SerialExecutor(callbacks, "subscription listener of space '" + client.space() + "'");
        this.streams = new AtomicReferenceArray<>(client.partitions());
    }

    /** Opens the streams of {@code partitions}; completes when every one is open (events from then on are delivered). */
    java.util.concurrent.CompletableFuture<Void> start(int[] partitions) {
        java.util.concurrent.CompletableFuture<?>[] all = new java.util.concurrent.CompletableFuture<?>[partitions.length];
        for (int i = 0; i < partitions.length; i++) {
            all[i] = open(partitions[i]);
        }
        return java.util.concurrent.CompletableFuture.allOf(all);
    }

    private java.util.concurrent.CompletableFuture<ClusterClient.Stream> open(int p) {
        if (!active.get()) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        return client.open(p, types.declarations(type), id -> new Request.Subscribe(id, client.space(), p, type.name(), query, events),
                        frame -> onFrame(p, frame))
                .whenComplete((stream, err) -> {
                    if (err != null) {
                        terminate(new SpaceException("subscription to space '" + client.space() + "' partition " + p + " failed: "
                                + ClusterClient.unwrap(err).getMessage(), ClusterClient.unwrap(err)));
                    } else if (!active.get()) {
                        end(stream);
                    } else {
                        streams.set(p, stream);
                        if (watch != null) {
                            watch.opened(p);
                        }
                    }
                });
    }

    @SuppressWarnings("unchecked")
    private void onFrame(int p, Response frame) {
        if (frame.status() == Status.EVENT) {
            Responses.Event e = Responses.readEvent(frame.body(), client.answers());
            if (watch != null) {
                watch.event(p, e);
            }
            if (listener == null) {
                return;
            }
            delivery.execute(() -> {
                if (!active.get()) {
                    return;
                }
                try {
                    T entry = (T) types.toEntry(e.entry(), type);
                    listener.onEvent(new SpaceEvent<>(e.type(), e.entry().values()[type.idIndex()], entry, e.entry().version()));
                } catch (RuntimeException ex) {
                    LOG.warn("listener of space '{}' failed on {}", client.space(), e, ex);
                }
            });
            return;
        }
        Responses.Ended ended = Responses.readEnded(frame.body());
        streams.set(p, null);
        if (watch != null) {
            watch.lost(p);
        }
        if (ended.resubscribe() && active.get()) {
            LOG.debug("subscription to space '{}' partition {} moves to the new leader: {}", client.space(), p, ended.reason());
            java.util.concurrent.CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS).execute(() -> open(p));
        } else {
            terminate(new SpaceException("subscription to space '" + client.space() + "' partition " + p + " ended: " + ended.reason()));
        }
    }

    private void terminate(SpaceException reason) {
        if (active.compareAndSet(true, false)) {
            closeStreams();
            if (watch != null) {
                watch.lost(-1);
            }
            if (listener != null) {
                delivery.execute(() -> listener.onTerminated(reason));
            }
        }
    }

    private void end(ClusterClient.Stream s) {
        s.connection().endStream(s.id());
        s.connection().send(id -> new Request.Unsubscribe(id, s.id()), client.options().attemptTimeout().toMillis());
    }

    private void closeStreams() {
        for (int p = 0; p < streams.length(); p++) {
            ClusterClient.Stream s = streams.getAndSet(p, null);
            if (s != null) {
                end(s);
            }
        }
    }

    @Override
    public void close() {
        if (active.compareAndSet(true, false)) {
            closeStreams();
        }
    }

    @Override
    public boolean isActive() {
        return active.get();
    }
}
