package io.khora.cluster.client;

import io.khora.SpaceEventType;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.StoredEntry;
import io.khora.internal.metadata.TypeDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.LongSupplier;

/**
 * Keeps a client's {@link NearCache} correct: the first read by id of a type opens a subscription
 * to every event of that type in every partition (one stream per partition, at its leader; that
 * read waits until they are open, or failed to open), and each event invalidates its entry. Until a partition's stream is open, reads from it are not
 * cached; when a stream ends (a leader fail-over: the events until it is open again at the new
 * leader are missed, delivery being at most once) or the subscription fails, the whole cache is
 * cleared. A failed subscription is tried again on a read after {@link #RETRY_NANOS}. This
 * client's own mutations invalidate what they change as soon as they are answered
 * ({@link #afterMutation}), so a client reads its own writes.
 */
final class NearCacheStreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NearCacheStreams.class);
    /** How long after a type's subscription failed a read may open it again. */
    static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ClusterClient client;
    private final RemoteTypes types;
    private final Executor callbacks;
    private final NearCache cache;
    private final LongSupplier nanoTime;
    private final ConcurrentMap<String, TypeStream> streams = new ConcurrentHashMap<>();
    private volatile boolean closed;

    NearCacheStreams(ClusterClient client, RemoteTypes types, Executor callbacks, NearCache cache, LongSupplier nanoTime) {
        this.client = client;
        this.types = types;
        this.callbacks = callbacks;
        this.cache = cache;
        this.nanoTime = nanoTime;
    }

    /** The cached entry of {@code t} with {@code id} in {@code partition}, or null. */
    StoredEntry get(TypeDescriptor t, int partition, Object id) {
        return cache.get(new NearCache.Key(t.name(), partition, id));
    }

    /**
     * Completes once the event streams of {@code t} are open (or failed to open: then reads are not
     * cached): opens them on the type's first use, and again after a failure once {@link #RETRY_NANOS} passed.
     */
    CompletableFuture<Void> watch(TypeDescriptor t) {
        if (closed) {
            return DONE;
        }
        TypeStream s = streams.get(t.name());
        if (s == null || (s.failedAt != 0 && nanoTime.getAsLong() - s.failedAt - RETRY_NANOS >= 0)) {
            TypeStream fresh = new TypeStream(t);
            if (s == null ? streams.putIfAbsent(t.name(), fresh) == null : streams.replace(t.name(), s, fresh)) {
                fresh.start();
                return fresh.started;
            }
            s = streams.get(t.name());
        }
        return s == null ? DONE : s.started;
    }

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** A ticket for a miss (see {@link NearCache#ticket}): void unless the partition's stream is open. */
    NearCache.Ticket ticket(TypeDescriptor t, int partition, Object id) {
        return cache.ticket(new NearCache.Key(t.name(), partition, id), () -> watched(t, partition));
    }

    /** Caches a miss's answer (see {@link NearCache#populate}). */
    void populate(NearCache.Ticket ticket, StoredEntry e) {
        cache.populate(ticket, e);
    }

    /** The cache itself (for its counts). */
    NearCache cache() {
        return cache;
    }

    /** Whether {@code partition}'s events of {@code t} arrive. */
    private boolean watched(TypeDescriptor t, int partition) {
        TypeStream s = streams.get(t.name());
        return !closed && s != null && s.open.get(partition) == 1;
    }

    /**
     * Invalidates what {@code c}, a mutation of {@code partition} this client made with type {@code t},
     * may have changed: its entry for a write, take or renewal by id; everything for a change, clear
     * or take by query (which entries it touched is not known here).
     */
    void afterMutation(int partition, TypeDescriptor t, Command c) {
        if (c instanceof Command.Write w) {
            cache.invalidate(new NearCache.Key(t.name(), partition, w.values()[t.idIndex()]));
        } else if (c instanceof Command.TakeById k) {
            cache.invalidate(new NearCache.Key(t.name(), partition, k.id()));
        } else if (c instanceof Command.Renew r) {
            cache.invalidate(new NearCache.Key(t.name(), partition, r.id()));
        } else if (c instanceof Command.Batch b) {
            b.commands().forEach(one -> afterMutation(partition, t, one));
        } else if (c instanceof Command.Call call) {
            afterMutation(partition, t, call.command());
        } else {
            cache.clear();
        }
    }

    /** Invalidates the entries {@code taken} from {@code partition} by a take of type {@code t}. */
    void afterTake(int partition, TypeDescriptor t, List<StoredEntry> taken) {
        for (StoredEntry e : taken) {
            cache.invalidate(new NearCache.Key(t.name(), partition, e.values()[t.idIndex()]));
        }
    }

    /** Forgets everything (a transaction this client committed may have changed anything). */
    void clear() {
        cache.clear();
    }

    @Override
    public void close() {
        closed = true;
        for (TypeStream s : streams.values()) {
            s.subscription.close();
        }
        streams.clear();
        cache.clear();
    }

    /** The subscription to every event of one type, and which of its partitions' streams are open. */
    private final class TypeStream implements RemoteSubscription.StreamWatch {
        final TypeDescriptor type;
        final AtomicIntegerArray open;
        final RemoteSubscription<Object> subscription;
        /** Completes when every stream opened, or the subscription failed. */
        final CompletableFuture<Void> started = new CompletableFuture<>();
        volatile long failedAt;

        TypeStream(TypeDescriptor type) {
            this.type = type;
            this.open = new AtomicIntegerArray(client.partitions());
            this.subscription = new RemoteSubscription<>(client, types, type, Command.QuerySpec.all(), EnumSet.allOf(SpaceEventType.class),
                    null, callbacks, this);
        }

        void start() {
            int[] all = new int[client.partitions()];
            for (int p = 0; p < all.length; p++) {
                all[p] = p;
            }
            subscription.start(all).whenComplete((v, e) -> started.complete(null));
        }

        @Override
        public void opened(int partition) {
            open.set(partition, 1);
        }

        @Override
        public void event(int partition, Responses.Event e) {
            cache.onEvent(new NearCache.Key(type.name(), partition, e.entry().values()[type.idIndex()]), e.entry().version());
        }

        @Override
        public void lost(int partition) {
            if (partition < 0) {
                for (int p = 0; p < open.length(); p++) {
                    open.set(p, 0);
                }
                if (!closed) {
                    failedAt = nanoTime.getAsLong() | 1; // never 0: 0 means "not failed"
                    LOG.warn("near cache of space '{}': the event subscription of type {} ended; reads of it are not cached, tried again"
                            + " in {} s", client.space(), type.name(), TimeUnit.NANOSECONDS.toSeconds(RETRY_NANOS));
                }
            } else {
                open.set(partition, 0);
            }
            cache.clear();
        }
    }
}
