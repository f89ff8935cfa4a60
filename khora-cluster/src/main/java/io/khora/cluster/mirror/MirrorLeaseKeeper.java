package io.khora.cluster.mirror;

import io.khora.Ticker;
import io.khora.cluster.Futures;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.MirrorLeaseState;
import io.khora.persistence.MirrorFencedException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The mirror's side of the partitions' mirror leases ({@link MirrorLeaseState}): acquires every
 * partition's lease at start (in partition order, so two mirrors starting together cannot each end up
 * with a part), renews them periodically, and releases them on close.
 *
 * <p><b>When a lease may have lapsed.</b> A partition's lease lapses in its log time, measured by its
 * leaders' monotonic clocks from the renewal's entry, which the leader stamps after the mirror sent
 * it. The mirror counts from the moment it <em>sent</em> its last successful acquire or renewal, by
 * its own monotonic clock, and stops delivering after {@code duration × 3/4} — before any leader can
 * have counted the full duration, provided the clocks' rates differ by less than that 25 % margin
 * (real clocks differ by well under 0.1 %; wall-clock steps do not matter, both sides use monotonic
 * clocks). It keeps renewing meanwhile: a renewal of the same epoch succeeds as long as no other
 * mirror took the lease, and delivery resumes. A renewal refused because another mirror took over
 * fences the partition for good ({@link #failure()}): this mirror's idea of what was delivered is
 * stale, so it must be restarted (it then resumes from what the log holds).
 *
 * <p>The lease's epoch travels with every pull, acknowledgement and batch (the endpoint's fencing
 * token), so even a batch that was already under way when the lease lapsed cannot be applied over
 * the next mirror's work by an endpoint that keeps the epoch (the Hibernate endpoint's checkpoint).
 */
final class MirrorLeaseKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorLeaseKeeper.class);

    /** Sends a lease command to a partition's leader (the mirror's {@code PartitionClient}). */
    @FunctionalInterface
    interface LeaseCalls {
        CompletableFuture<MirrorLeaseState.Grant> send(int partition, Command.MirrorLease command);
    }

    private final String space;
    private final String holder;
    private final long durationMillis;
    private final long validMillis;
    private final LeaseCalls calls;
    private final Ticker clock;
    private final Lease[] leases;
    private volatile boolean paused;

    /** One partition's lease as this mirror holds it. */
    private static final class Lease {
        volatile long epoch;
        /** Monotonic millis until which the lease surely holds (see the class comment). */
        volatile long validUntil;
        /** Why the partition is fenced for good, or null. */
        volatile String fenced;
        volatile boolean lapsedLogged;
        final AtomicBoolean renewing = new AtomicBoolean();
    }

    /**
     * @param space the space (for messages)
     * @param partitions how many partitions
     * @param holder this mirror's id (unique; shown to a refused mirror)
     * @param durationMillis how long a lease lasts from each renewal
     * @param calls sends the commands
     * @param clock this process's monotonic clock
     */
    MirrorLeaseKeeper(String space, int partitions, String holder, long durationMillis, LeaseCalls calls, Ticker clock) {
        this.space = space;
        this.holder = holder;
        this.durationMillis = durationMillis;
        this.validMillis = durationMillis * 3 / 4;
        this.calls = calls;
        this.clock = clock;
        this.leases = new Lease[partitions];
        for (int p = 0; p < partitions; p++) {
            leases[p] = new Lease();
        }
    }

    /** How often to renew: five times per lease duration. */
    long renewIntervalMillis() {
        return Math.max(1, durationMillis / 5);
    }

    /**
     * Acquires every partition's lease, in partition order. A partition whose lease another mirror
     * holds is asked again until {@code waitUntilMillis} (this clock); then the leases acquired so far
     * are released and its refusal is thrown, naming the holder. Other failures (no leader, timeouts)
     * are retried until {@code giveUpMillis}.
     *
     * @throws MirrorFencedException if another mirror holds a partition's lease past the wait
     */
    void acquireAll(long waitUntilMillis, long giveUpMillis, Runnable onFirstGrant) throws InterruptedException {
        for (int p = 0; p < leases.length; p++) {
            boolean waitingLogged = false;
            while (true) {
                long sentAt = clock.millis();
                try {
                    MirrorLeaseState.Grant g = calls.send(p, new Command.MirrorLease(Command.MirrorLease.Kind.ACQUIRE, holder, 0,
                            durationMillis)).get();
                    leases[p].epoch = g.epoch();
                    leases[p].validUntil = sentAt + validMillis;
                    LOG.info("space '{}' partition {}: mirror lease acquired by {} (epoch {}, {} ms, renewed every {} ms)", space, p + 1,
                            holder, g.epoch(), durationMillis, renewIntervalMillis());
                    if (p == 0) {
                        onFirstGrant.run();
                    }
                    break;
                } catch (ExecutionException e) {
                    Throwable cause = Futures.cause(e);
                    long now = clock.millis();
                    if (cause instanceof MirrorFencedException held) {
                        if (now - waitUntilMillis >= 0) {
                            releaseAll();
                            throw new MirrorFencedException(held.getMessage(), held.holder(), held.holderEpoch(), held.lapsesAt());
                        }
                        if (!waitingLogged) {
                            LOG.warn("space '{}' partition {}: waiting up to {} ms for the mirror lease: {}", space, p + 1,
                                    waitUntilMillis - now, held.getMessage());
                            waitingLogged = true;
                        }
                    } else if (now - giveUpMillis >= 0) {
                        releaseAll();
                        throw new io.khora.SpaceException("space '" + space + "' partition " + (p + 1)
                                + ": the mirror lease could not be acquired: " + cause.getMessage(), cause);
                    } else {
                        LOG.debug("space '{}' partition {}: acquiring the mirror lease failed (retrying): {}", space, p + 1, cause.toString());
                    }
                }
                Thread.sleep(Math.min(1_000, renewIntervalMillis()));
            }
        }
    }

    /**
     * Renews every held lease whose renewal is not in flight (called every {@link #renewIntervalMillis}).
     * A renewal counts from when it was sent.
     */
    void renewAll() {
        if (paused) {
            return;
        }
        for (int p = 0; p < leases.length; p++) {
            Lease l = leases[p];
            if (l.epoch == 0 || l.fenced != null || !l.renewing.compareAndSet(false, true)) {
                continue;
            }
            if (!l.lapsedLogged && clock.millis() - l.validUntil >= 0) {
                l.lapsedLogged = true;
                LOG.warn("space '{}' partition {}: the mirror lease (epoch {}) was not renewed in time; not delivering until it is",
                        space, p + 1, l.epoch);
            }
            int partition = p;
            long sentAt = clock.millis();
            CompletableFuture<MirrorLeaseState.Grant> f;
            try {
                f = calls.send(p, new Command.MirrorLease(Command.MirrorLease.Kind.RENEW, holder, l.epoch, durationMillis));
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((g, ex) -> {
                l.renewing.set(false);
                if (ex == null) {
                    l.validUntil = Math.max(l.validUntil, sentAt + validMillis);
                    if (l.lapsedLogged) {
                        l.lapsedLogged = false;
                        LOG.info("space '{}' partition {}: the mirror lease (epoch {}) is renewed; delivering again", space, partition + 1,
                                l.epoch);
                    }
                } else if (Futures.cause(ex) instanceof MirrorFencedException fenced) {
                    fence(partition, fenced);
                } else {
                    LOG.debug("space '{}' partition {}: renewing the mirror lease failed (retrying): {}", space, partition + 1,
                            Futures.cause(ex).toString());
                }
            });
        }
    }

    /** Test hook: stops or resumes renewing (a mirror cut off from the cluster). */
    void renewing(boolean on) {
        paused = !on;
    }

    /** Partition {@code p}'s lease was taken over ({@code why}): it delivers nothing more. */
    void fence(int p, MirrorFencedException why) {
        Lease l = leases[p];
        if (l.fenced == null) {
            l.fenced = "space '" + space + "' partition " + (p + 1) + ": this mirror (" + holder + ", epoch " + l.epoch
                    + ") lost its lease: " + why.getMessage();
            LOG.error("{}; it delivers nothing more for this partition (restart it to resume from what the log holds)", l.fenced);
        }
    }

    /** Whether partition {@code p}'s lease surely still holds (see the class comment). */
    boolean mayDeliver(int p) {
        Lease l = leases[p];
        return l.epoch != 0 && l.fenced == null && clock.millis() - l.validUntil < 0;
    }

    /** Partition {@code p}'s lease epoch (0 before it was acquired). */
    long epoch(int p) {
        return leases[p].epoch;
    }

    /** Why a partition's lease was taken over (the mirror must be restarted), or null. */
    String failure() {
        for (Lease l : leases) {
            if (l.fenced != null) {
                return l.fenced;
            }
        }
        return null;
    }

    /** Releases every lease held (waiting up to 5 s for the answers), so that the next mirror need not wait for them to lapse. */
    void releaseAll() {
        CompletableFuture<?>[] released = new CompletableFuture<?>[leases.length];
        for (int p = 0; p < leases.length; p++) {
            Lease l = leases[p];
            if (l.epoch == 0 || l.fenced != null) {
                released[p] = CompletableFuture.completedFuture(null);
                continue;
            }
            long epoch = l.epoch;
            l.validUntil = clock.millis(); // deliver nothing more
            try {
                released[p] = calls.send(p, new Command.MirrorLease(Command.MirrorLease.Kind.RELEASE, holder, epoch, durationMillis));
            } catch (RuntimeException e) {
                released[p] = CompletableFuture.failedFuture(e);
            }
        }
        try {
            CompletableFuture.allOf(released).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.info("space '{}': not every mirror lease could be released ({}); the next mirror waits until they lapse", space,
                    Futures.cause(e).toString());
        }
    }
}
