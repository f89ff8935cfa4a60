package io.khora.cluster.server;

import io.khora.internal.logging.RateLimitedLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection idle for the timeout is closed unless it waits for something; activity and waiting keep it
 * open. (Netty's idle handler reads the system clock, so this test waits in real time: 300 ms timeouts,
 * conditions awaited for up to 20 s.)
 */
class IdleTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private final List<String> logged = java.util.Collections.synchronizedList(new ArrayList<>());

    private EmbeddedChannel channel(AtomicBoolean busy) throws Exception {
        return PeerChannel.from("10.0.0.6", 77,
                new IdleTimeout(TIMEOUT, busy::get, new RateLimitedLog(logged::add, Duration.ofSeconds(10), System::nanoTime)));
    }

    /** Runs the channel's timers until {@code done} or 20 s. */
    private static void runUntil(EmbeddedChannel ch, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            ch.runScheduledPendingTasks();
            Thread.sleep(20);
        }
    }

    @Test
    void anIdleConnectionIsClosedAndLogged() throws Exception {
        EmbeddedChannel ch = channel(new AtomicBoolean());
        runUntil(ch, () -> !ch.isOpen());
        assertThat(ch.isOpen()).isFalse();
        assertThat(logged).singleElement().asString().contains("closed the connection from /10.0.0.6:77: idle for its idle-timeout of 300 ms");
    }

    @Test
    void aConnectionThatWaitsForSomethingIsNotIdleAndIsClosedOnceItNoLongerWaits() throws Exception {
        AtomicBoolean busy = new AtomicBoolean(true);
        EmbeddedChannel ch = channel(busy);
        long until = System.nanoTime() + 5 * TIMEOUT.toNanos();
        runUntil(ch, () -> System.nanoTime() > until);
        assertThat(ch.isOpen()).as("five timeouts later, still waiting").isTrue();
        busy.set(false);
        runUntil(ch, () -> !ch.isOpen());
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void trafficKeepsAConnectionOpen() throws Exception {
        EmbeddedChannel ch = channel(new AtomicBoolean());
        long until = System.nanoTime() + 5 * TIMEOUT.toNanos();
        while (System.nanoTime() < until) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
            ch.runScheduledPendingTasks();
            Thread.sleep(TIMEOUT.toMillis() / 10);
        }
        assertThat(ch.isOpen()).isTrue();
        ch.releaseInbound();
    }
}
