package io.khora.cluster.server;

import io.khora.Space;
import io.khora.Spaces;
import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;
import io.khora.cluster.protocol.ProtocolCodec;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.khora.internal.wire.JavaDeserialization;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input through real sockets against a real node (in this JVM) while a normal client works on:
 * random bytes, truncated frames, 2 GB and negative lengths; then at once 1,000 idle connections (and one
 * over the per-address limit), 50 connections each trickling a 15 MiB frame and 8 each sending 12 MiB of
 * one and stalling. The node answers what it can with errors naming the limits, closes every hostile
 * connection within its timeouts, never fails the normal client, and its memory (heap used after GC plus
 * Netty's and the JVM's direct memory) grows by less than 100 MB at the height of the attack and after it.
 *
 * <p>Hostile connections come from other loopback addresses (127.0.0.2–5) than the normal client
 * (127.0.0.1), as an attacker would come from other hosts. Limits: 16 MiB frames, 32 MiB for all
 * incomplete frames, 8 s idle and frame timeouts, 1000 connections per address.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileClientsTest {
    /** A small entry the normal client writes, reads and takes. */
    public record Item(@SpaceId String id, @SpaceRouting int shelf, String text) {
    }

    private static final int MIB = 1024 * 1024;
    private static final Duration TIMEOUTS = Duration.ofSeconds(8);
    private static final int IDLE = 1000;
    private static final int SLOW = 50;
    private static final int STALLED = 8;
    private static final JavaDeserialization ANSWERS = JavaDeserialization.refused("a test's answer");

    @Test
    void theNodeKeepsServingThroughHostileInputAndItsMemoryGrowsByLessThan100MB() throws Exception {
        Map<String, String> limits = Map.of("max-connections-per-address", String.valueOf(IDLE), "idle-timeout", "8s",
                "frame-timeout", "8s", "max-incomplete-frames-memory", "32MiB");
        try (LocalCluster cluster = LocalCluster.configure("hostile", 1, "items", 2, 1, 1)
                .withNodeSettings(b -> b.maxFrameSize(16 * MIB).maxEntrySize(MIB).clientPortLimits(ClientPortLimits.DEFAULTS.with(limits)))
                .startAll(Duration.ofSeconds(60));
             NormalClient normal = new NormalClient(cluster.uri("items"))) {
            NodeServer server = cluster.running.get("n1").server();
            ClusterSpec.NodeSpec node = cluster.spec.nodes().get(0);
            java.nio.file.Path ca = cluster.certificates().ca(); // hostile peers that complete TLS reach the frame decoder
            normal.awaitProgress(100);
            int baseline = server.connections();
            Memory before = Memory.measure();

            // 1. garbage: random bytes, truncated frames, lengths of 2 GB and negative ones
            List<RawConnection> garbage = new ArrayList<>();
            Random random = new Random(14);
            for (int i = 0; i < 20; i++) {
                RawConnection c = new RawConnection(node, "127.0.0.3", (int) TIMEOUTS.toMillis() + 20_000, ca);
                byte[] noise = new byte[64 * 1024];
                random.nextBytes(noise);
                c.trySend(noise);
                garbage.add(c);
            }
            List<RawConnection> truncated = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                RawConnection c = new RawConnection(node, "127.0.0.3", (int) TIMEOUTS.toMillis() + 20_000, ca);
                c.trySend(concat(frameStart(1000, 100 + i), new byte[500]));
                truncated.add(c);
            }
            List<RawConnection> huge = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                RawConnection c = new RawConnection(node, "127.0.0.3", (int) TIMEOUTS.toMillis() + 20_000, ca);
                c.trySend(concat(frameStart(i % 2 == 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE, 200 + i), new byte[64]));
                huge.add(c);
            }
            long hugeSent = System.nanoTime();
            for (RawConnection c : huge) {
                assertThat(c.drainUntilClosed()).as("a 2 GB or negative length closes the connection").isTrue();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - hugeSent)).as("at once, not at the frame timeout").isLessThan(TIMEOUTS);
            Response truncatedAnswer = truncated.get(0).receive();
            assertThat(truncatedAnswer.requestId()).isEqualTo(100);
            assertThat(Responses.readError(truncatedAnswer.body(), ANSWERS).getMessage())
                    .contains("did not arrive whole within node n1's frame-timeout of 8000 ms");
            for (RawConnection c : concatLists(garbage, truncated)) {
                assertThat(c.drainUntilClosed()).as("closed within the frame timeout").isTrue();
            }
            closeAll(garbage, truncated, huge);
            normal.awaitProgress(20);

            // 2. at once: 1,000 idle connections, 50 trickling a large frame, 8 that sent much of one and stalled
            List<RawConnection> idle = new ArrayList<>();
            for (int i = 0; i < IDLE; i++) {
                idle.add(new RawConnection(node, "127.0.0.2", 60_000)); // never even begins the TLS handshake
            }
            awaitTrue(() -> server.connections() >= baseline + IDLE, "the idle connections open");
            try (RawConnection over = new RawConnection(node, "127.0.0.2", 30_000, ca)) {
                Response refused = over.exchange(new Request.Hello(1, 1, 1, false, 0));
                assertThat(refused.status()).isEqualTo(Status.ERROR);
                assertThat(Responses.readError(refused.body(), ANSWERS).getMessage())
                        .contains("node n1 has 1000 client connections from 127.0.0.2 open, its max-connections-per-address of 1000");
                assertThat(over.drainUntilClosed()).isTrue();
            }
            List<RawConnection> slow = new CopyOnWriteArrayList<>();
            for (int i = 0; i < SLOW; i++) {
                RawConnection c = new RawConnection(node, "127.0.0.4", 60_000, ca);
                c.trySend(concat(frameStart(15 * MIB, 300 + i), new byte[1024]));
                slow.add(c);
            }
            ExecutorService pool = Executors.newFixedThreadPool(STALLED + 1);
            AtomicLong trickled = new AtomicLong();
            Future<?> trickle = pool.submit(() -> {
                List<RawConnection> open = new ArrayList<>(slow);
                while (!open.isEmpty()) {
                    open.removeIf(c -> !c.trySend(new byte[1024]));
                    trickled.addAndGet(open.size() * 1024L);
                    Thread.sleep(200);
                }
                return null;
            });
            List<RawConnection> stalled = new ArrayList<>();
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < STALLED; i++) {
                RawConnection c = new RawConnection(node, "127.0.0.5", 60_000, ca);
                stalled.add(c);
                long id = 400 + i;
                sends.add(pool.submit(() -> c.trySend(concat(frameStart(15 * MIB, id), new byte[12 * MIB]))));
            }
            for (Future<?> f : sends) {
                f.get(60, TimeUnit.SECONDS);
            }
            awaitTrue(() -> server.incompleteFrameBytes() >= 15 * MIB, "a stalled frame held by the node");
            Memory peak = Memory.measure();
            int open = server.connections();
            long heldAtPeak = server.incompleteFrameBytes();
            assertThat(open).as("the attack was on while memory was measured").isGreaterThanOrEqualTo(baseline + IDLE + SLOW);
            assertThat(heldAtPeak).as("incomplete frames within max-incomplete-frames-memory").isLessThanOrEqualTo(32L * MIB);
            normal.awaitProgress(20);

            // the node answers and closes every one of them within its timeouts
            int overBudget = 0;
            for (RawConnection c : stalled) {
                Response first = c.receive();
                String message = Responses.readError(first.body(), ANSWERS).getMessage();
                if (message.contains("did not fit node n1's memory for request frames")) {
                    overBudget++;
                    assertThat(message).contains("its max-incomplete-frames-memory of 33554432 bytes (32.0 MiB)");
                } else {
                    assertThat(message).contains("did not arrive whole within node n1's frame-timeout");
                }
                assertThat(c.drainUntilClosed()).isTrue();
            }
            assertThat(overBudget).as("stalled frames beyond the memory budget were refused").isGreaterThan(0);
            for (RawConnection c : slow) {
                Response r = c.receive();
                assertThat(Responses.readError(r.body(), ANSWERS).getMessage())
                        .contains("a frame of 15728640 bytes (15.0 MiB) did not arrive whole within node n1's frame-timeout of 8000 ms");
                assertThat(c.drainUntilClosed()).isTrue();
            }
            trickle.get(60, TimeUnit.SECONDS);
            pool.shutdown();
            awaitTrue(() -> server.connections() <= baseline, "every idle connection closed after the idle timeout");
            for (RawConnection c : idle) {
                assertThat(c.drainUntilClosed()).isTrue();
            }
            closeAll(idle, slow, stalled);
            assertThat(server.incompleteFrameBytes()).isZero();
            normal.awaitProgress(20);
            Memory after = Memory.measure();

            normal.stop();
            System.out.printf("hostile input: heap used after GC %d MB before, %d MB at the height of the attack (%d connections, %d MB of"
                            + " incomplete frames held), %d MB after; direct memory %d / %d / %d MB; normal client: %d operations, longest %d ms,"
                            + " %d failures; %d bytes trickled%n",
                    before.heap / MIB, peak.heap / MIB, open, heldAtPeak / MIB, after.heap / MIB, before.direct / MIB, peak.direct / MIB,
                    after.direct / MIB, normal.operations.get(), normal.longestNanos.get() / 1_000_000, normal.failures.size(), trickled.get());
            assertThat(normal.failures).as("the normal client never failed").isEmpty();
            assertThat(peak.total() - before.total()).as("memory growth at the height of the attack").isLessThan(100L * MIB);
            assertThat(after.total() - before.total()).as("memory growth after it").isLessThan(100L * MIB);
        }
    }

    /** The first bytes of a frame announcing {@code length} bytes: the length and a STATUS request's head with {@code id}. */
    private static byte[] frameStart(int length, long id) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(length);
        out.write(ProtocolCodec.encode(new Request.Status(id)));
        return b.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @SafeVarargs
    private static List<RawConnection> concatLists(List<RawConnection>... lists) {
        List<RawConnection> all = new ArrayList<>();
        for (List<RawConnection> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    @SafeVarargs
    private static void closeAll(List<RawConnection>... lists) throws IOException {
        for (RawConnection c : concatLists(lists)) {
            c.close();
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Heap used after GC and direct memory (Netty's own count and the JVM's buffer pools). */
    private record Memory(long heap, long direct) {
        static Memory measure() throws InterruptedException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(100);
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long direct = Math.max(0, io.netty.util.internal.PlatformDependent.usedDirectMemory());
            for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                if (pool.getName().equals("direct")) {
                    direct += pool.getMemoryUsed();
                }
            }
            return new Memory(heap, direct);
        }

        long total() {
            return heap + direct;
        }
    }

    /** A well-behaved client writing, reading and taking in a loop; records failures and its longest operation. */
    private static final class NormalClient implements AutoCloseable {
        final Space space;
        final AtomicLong operations = new AtomicLong();
        final AtomicLong longestNanos = new AtomicLong();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        NormalClient(String uri) {
            space = Spaces.connect(uri);
            thread = new Thread(this::run, "normal-client");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            for (long i = 0; running; i++) {
                long start = System.nanoTime();
                try {
                    Item item = new Item("i" + i, (int) (i % 4), "text " + i);
                    space.write(item);
                    if (!item.equals(space.readById(Item.class, item.id())) || !item.equals(space.takeById(Item.class, item.id()))) {
                        failures.add(new AssertionError("item " + item + " not read or taken back"));
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
                longestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                operations.addAndGet(3);
            }
        }

        /** Waits until {@code n} more operations completed. */
        void awaitProgress(int n) throws InterruptedException {
            long target = operations.get() + n;
            awaitTrue(() -> operations.get() >= target || !failures.isEmpty(), n + " more operations of the normal client");
            assertThat(failures).isEmpty();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(30_000);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
            space.close();
        }
    }
}
