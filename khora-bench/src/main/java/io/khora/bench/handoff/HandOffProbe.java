package io.khora.bench.handoff;

import io.khora.bench.ChildJvm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Child-JVM main: one producer (this thread) and one consumer thread hand off messages through a
 * contestant's channel; the consumer records {@code System.nanoTime()} at receipt minus the
 * producer's stamp taken just before sending. The producer sends the next message only after the
 * consumer has received the previous one and a pause of {@value #PAUSE_NANOS} ns (busy-waited),
 * so the consumer is parked in its waiting take each time: the figure is the latency of waking
 * a waiter, not of queueing behind a backlog.
 *
 * <p>Arguments: contestant, warm-up count, measured count. Prints a {@link ChildJvm#RESULT} line
 * with p50, p90, p99, p99.9 and mean in nanoseconds.
 */
public final class HandOffProbe {
    /** Pause between a receipt and the next send, long enough for the consumer to park again. */
    static final long PAUSE_NANOS = 50_000;

    private HandOffProbe() {
    }

    public static void main(String[] args) throws Exception {
        String contestant = args[0];
        int warmup = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        long[] latencies = new long[count];
        try (HandOffChannel channel = HandOffChannel.open(contestant)) {
            run(channel, warmup, null);
            run(channel, count, latencies);
        }
        Percentiles p = new Percentiles(latencies);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("contestant", contestant);
        r.put("count", count);
        r.put("p50", p.at(50));
        r.put("p90", p.at(90));
        r.put("p99", p.at(99));
        r.put("p999", p.at(99.9));
        r.put("mean", Math.round(p.mean()));
        System.out.println(ChildJvm.resultLine(r));
        System.exit(0);
    }

    private static void run(HandOffChannel channel, int n, long[] latencies) throws Exception {
        AtomicLong received = new AtomicLong();
        Throwable[] failure = new Throwable[1];
        Thread consumer = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    long sent = channel.receive();
                    long now = System.nanoTime();
                    if (latencies != null) {
                        latencies[i] = now - sent;
                    }
                    received.set(i + 1);
                }
            } catch (Throwable t) {
                failure[0] = t;
                received.set(Long.MAX_VALUE);
            }
        }, "hand-off-consumer");
        consumer.start();
        for (int i = 0; i < n; i++) {
            while (received.get() < i) {
                Thread.onSpinWait();
            }
            if (failure[0] != null) {
                break;
            }
            long pauseEnd = System.nanoTime() + PAUSE_NANOS;
            while (System.nanoTime() < pauseEnd) {
                Thread.onSpinWait();
            }
            channel.send(i, System.nanoTime());
        }
        consumer.join();
        if (failure[0] != null) {
            throw new IllegalStateException("consumer failed", failure[0]);
        }
    }
}
