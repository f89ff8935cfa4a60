package io.khora.cassandra;

import io.khora.ClusterInfo;
import io.khora.internal.lifecycle.DaemonThreads;
import io.khora.persistence.Partitioning;
import io.khora.persistence.DataIterator;
import io.khora.persistence.DataSourceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One table scan shared by all partitions of an initial load, so each row is read from Cassandra
 * once per space, not once per partition. CQL cannot evaluate the router's {@code floorMod} (no
 * arithmetic in a WHERE clause), so the partition of each row is computed here, with the space's own
 * {@link Partitioning#partitionOf}, and the row handed to that partition's bounded queue.
 *
 * <p>A <em>round</em> starts when the first partition asks; the scan begins once every partition
 * of the layout has asked or {@code claimWait} has passed (a cluster node loads only its own
 * partitions). A partition that asks when its round's scan has begun — a retry after a failed
 * attempt, or a late partition — reads the whole table itself and keeps its own rows, so a load
 * is never missing rows, only slower. Once a round's scan has finished, the next partition to ask
 * starts a new round (a new load; or a retry after the scan ended, which then waits up to
 * {@code claimWait} for partitions that do not come). A failure of the scan fails every partition
 * of the round (the space then retries each partition as above).
 */
final class SharedInitialLoad {
    private static final Logger LOG = LoggerFactory.getLogger(SharedInitialLoad.class);
    private static final Object END = new Object();

    private final Supplier<DataIterator<Object>> scanAll;
    private final Function<Object, Object> routingOf;
    private final Duration claimWait;
    private final int queueCapacity;
    private final boolean shared;
    private Round round;

    /**
     * @param scanAll a scan of every row of the table
     * @param routingOf an entry's routing value
     * @param claimWait how long a round waits for the other partitions before its scan begins
     * @param queueCapacity entries buffered per partition at most
     * @param shared false: every partition reads the whole table on its own and keeps its rows
     */
    SharedInitialLoad(Supplier<DataIterator<Object>> scanAll, Function<Object, Object> routingOf, Duration claimWait, int queueCapacity,
                      boolean shared) {
        this.shared = shared;
        this.scanAll = scanAll;
        this.routingOf = routingOf;
        this.claimWait = claimWait;
        this.queueCapacity = queueCapacity;
    }

    /** The entries of {@code partition} (1-based instance id of {@code numberOfInstances}). */
    DataIterator<Object> open(ClusterInfo partition) {
        int n = partition.numberOfInstances();
        int k = partition.instanceId() - 1;
        if (n == 1 || k < 0) {
            return scanAll.get();
        }
        if (!shared) {
            return filtered(scanAll.get(), n, k);
        }
        Round r;
        synchronized (this) {
            if (round == null || round.n != n || round.scanStarted()) {
                if (round != null && round.n == n && round.scanStarted() && !round.finished) {
                    r = null; // a retry or a late partition while a scan runs: read on its own
                } else {
                    round = new Round(n);
                    r = round;
                }
            } else {
                r = round;
            }
            if (r != null && !r.claim(k)) {
                r = null; // this partition already took part in the round: a retry
            }
        }
        if (r == null) {
            LOG.info("initial load of partition {} of {}: reading the whole table on its own (a retry or a late partition)", k + 1, n);
            return filtered(scanAll.get(), n, k);
        }
        return r.iterator(k);
    }

    /** The 0-based partition of {@code e}; a null routing value goes to partition 1, whose load reports it. */
    private int partitionOf(Object e, int n) {
        Object routing = routingOf.apply(e);
        return routing == null ? 0 : Partitioning.partitionOf(routing, n);
    }

    private DataIterator<Object> filtered(DataIterator<Object> all, int n, int k) {
        return new DataIterator<>() {
            private Object next;

            @Override
            public boolean hasNext() {
                while (next == null && all.hasNext()) {
                    Object e = all.next();
                    if (partitionOf(e, n) == k) {
                        next = e;
                    }
                }
                return next != null;
            }

            @Override
            public Object next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Object e = next;
                next = null;
                return e;
            }

            @Override
            public void close() {
                all.close();
            }
        };
    }

    /** One shared scan and its partitions' queues. */
    private final class Round {
        final int n;
        final BlockingQueue<Object>[] queues;
        final boolean[] claimed;
        final boolean[] abandoned;
        final CountDownLatch allClaimed;
        volatile boolean started;
        volatile boolean finished;
        volatile RuntimeException failure;

        @SuppressWarnings({"unchecked", "rawtypes"})
        Round(int n) {
            this.n = n;
            this.queues = new BlockingQueue[n];
            this.claimed = new boolean[n];
            this.abandoned = new boolean[n];
            this.allClaimed = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                queues[i] = new ArrayBlockingQueue<>(queueCapacity);
            }
            DaemonThreads.start("khora-cassandra-shared-load", this::dispatch);
        }

        boolean scanStarted() {
            return started;
        }

        /** Called under the outer lock. */
        boolean claim(int k) {
            if (claimed[k] || started) {
                return false;
            }
            claimed[k] = true;
            allClaimed.countDown();
            return true;
        }

        private void dispatch() {
            try {
                if (!allClaimed.await(claimWait.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.info("shared initial load: not every partition asked within {}; scanning for those that did", claimWait);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (SharedInitialLoad.this) {
                started = true;
            }
            try (DataIterator<Object> all = scanAll.get()) {
                while (all.hasNext()) {
                    Object e = all.next();
                    put(partitionOf(e, n), e);
                }
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                for (int p = 0; p < n; p++) {
                    put(p, END);
                }
                finished = true;
            }
        }

        private void put(int p, Object e) {
            try {
                while (claimed[p] && !abandoned[p]) {
                    if (queues[p].offer(e, 200, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new DataSourceException("interrupted while dispatching the shared initial load", ex);
            }
        }

        DataIterator<Object> iterator(int k) {
            return new DataIterator<>() {
                private Object next;
                private boolean done;

                @Override
                public boolean hasNext() {
                    if (next != null) {
                        return true;
                    }
                    if (done) {
                        return false;
                    }
                    try {
                        Object o = queues[k].take();
                        if (o == END) {
                            done = true;
                            if (failure != null) {
                                throw new DataSourceException("the shared initial load scan failed: " + failure, failure);
                            }
                            return false;
                        }
                        next = o;
                        return true;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new DataSourceException("interrupted while reading the shared initial load of partition " + (k + 1), e);
                    }
                }

                @Override
                public Object next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    Object o = next;
                    next = null;
                    return o;
                }

                @Override
                public void close() {
                    abandoned[k] = true;
                    queues[k].clear();
                    done = true;
                }
            };
        }
    }
}
