package io.khora.cluster.server;

import io.khora.internal.logging.RateLimitedLog;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Closes a client connection that read and wrote nothing for {@code idle-timeout} — authenticated or
 * not — unless it is waiting for something: a request in progress, a parked read or take, an open
 * subscription ({@code busy}); such a connection is looked at again after another timeout. A client
 * reconnects on its next call. Each close is logged, rate-limited, naming the peer and the limit.
 */
final class IdleTimeout extends IdleStateHandler {
    private final Duration timeout;
    private final BooleanSupplier busy;
    private final RateLimitedLog log;

    /**
     * @param timeout the idle timeout
     * @param busy whether the connection waits for something (then it is not idle)
     * @param log where closes are logged
     */
    IdleTimeout(Duration timeout, BooleanSupplier busy, RateLimitedLog log) {
        super(0, 0, timeout.toNanos(), TimeUnit.NANOSECONDS);
        this.timeout = timeout;
        this.busy = busy;
        this.log = log;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        if (busy.getAsBoolean()) {
            return;
        }
        log.log("idle-timeout", () -> "closed the connection from " + ctx.channel().remoteAddress()
                + ": idle for its idle-timeout of " + timeout.toMillis() + " ms");
        ctx.close();
    }
}
