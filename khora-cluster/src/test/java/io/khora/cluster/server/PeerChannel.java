package io.khora.cluster.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** An {@link EmbeddedChannel} whose peer has an IP address, for handlers that look at it. */
final class PeerChannel extends EmbeddedChannel {
    private SocketAddress remote;

    private PeerChannel() {
        super(io.netty.channel.DefaultChannelId.newInstance(), false, false);
    }

    /** A registered, active channel from {@code ip}:{@code port} through {@code handlers}. */
    static PeerChannel from(String ip, int port, ChannelHandler... handlers) throws Exception {
        PeerChannel ch = new PeerChannel();
        ch.remote = new InetSocketAddress(ip, port);
        ch.pipeline().addLast(handlers);
        ch.register();
        return ch;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }
}
