package io.khora.persistence;

import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads several data iterators in parallel (multi-parallel initial load, seed 001): {@code threads}
 * threads each drain one iterator at a time into a <em>bounded</em> queue that the space consumes.
 * When the space is slower than the data source, the readers block on the full queue
 * (back-pressure) instead of buffering without bound (LESSONS: XAP's unbounded queue exhausts
 * the heap). A failure in any iterator ends the whole iteration with that failure.
 *
 * @param <T> element type
 */
public class ConcurrentMultiDataIterator<T> implements DataIterator<T> {
    /** The default queue capacity. */
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
    private static final Object END = new Object();
    private static final AtomicInteger POOL = new AtomicInteger();

    private final DataIterator<? extends T>[] iterators;
    private final BlockingQueue<Object> queue;
    private final ExecutorService pool;
    private final AtomicInteger nextIterator = new AtomicInteger();
    private final AtomicInteger running;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private Object lookahead;
    private boolean finished;
    private volatile boolean closed;

    /** Over {@code iterators} with {@code threads} threads and the default queue capacity. */
    public ConcurrentMultiDataIterator(DataIterator<? extends T>[] iterators, int threads) {
        this(iterators, threads, DEFAULT_QUEUE_CAPACITY);
    }

    /**
     * @param iterators the iterators to drain (each is closed when drained or on {@link #close()})
     * @param threads reader threads, at least 1 (more than the iterators is pointless)
     * @param queueCapacity elements buffered at most, at least 1
     */
    public ConcurrentMultiDataIterator(DataIterator<? extends T>[] iterators, int threads, int queueCapacity) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + queueCapacity);
        }
        this.iterators = iterators.clone();
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        int n = Math.max(1, Math.min(threads, this.iterators.length));
        this.running = new AtomicInteger(n);
        int poolId = POOL.incrementAndGet();
        AtomicInteger threadId = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "khora-load-" + poolId + "-" + threadId.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        if (this.iterators.length == 0) {
            running.set(0);
            finished = true;
        } else {
            for (int i = 0; i < n; i++) {
                pool.execute(this::drainIterators);
            }
        }
        pool.shutdown();
    }

    /** The number of elements buffered right now (for tests and progress displays). */
    public int buffered() {
        return queue.size();
    }

    private void drainIterators() {
        try {
            int i;
            while (!closed && failure.get() == null && (i = nextIterator.getAndIncrement()) < iterators.length) {
                try (DataIterator<? extends T> it = iterators[i]) {
                    while (!closed && failure.get() == null && it.hasNext()) {
                        T element = it.next();
                        if (element != null) {
                            queue.put(element);
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
        } finally {
            if (running.decrementAndGet() == 0) {
                putEnd();
            }
        }
    }

    private void putEnd() {
        while (!closed) {
            try {
                if (queue.offer(END, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public boolean hasNext() {
        if (lookahead != null) {
            return true;
        }
        if (finished) {
            rethrowFailure();
            return false;
        }
        try {
            Object o = queue.take();
            if (o == END) {
                finished = true;
                rethrowFailure();
                return false;
            }
            lookahead = o;
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new DataSourceException("interrupted while reading a parallel data iterator", e);
        }
    }

    private void rethrowFailure() {
        Throwable t = failure.get();
        if (t != null) {
            throw new DataSourceException("a parallel data iterator failed: " + t, t);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Object o = lookahead;
        lookahead = null;
        return (T) o;
    }

    /** Stops the readers, closes every iterator not yet drained, and drops what is buffered. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.shutdownNow();
        queue.clear();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int i = Math.min(nextIterator.get(), iterators.length); i < iterators.length; i++) {
            try {
                iterators[i].close();
            } catch (RuntimeException ignored) {
                // closing what was never opened; nothing to report
            }
        }
        finished = true;
    }
}
