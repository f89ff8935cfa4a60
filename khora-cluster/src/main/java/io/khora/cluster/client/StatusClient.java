package io.khora.cluster.client;

import io.khora.cluster.protocol.NodeStatus;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Asks nodes for their {@link NodeStatus} (what {@code khora status} prints). */
public final class StatusClient {
    /**
     * One node's answer.
     *
     * @param address the address asked
     * @param status its status, or null if it did not answer
     * @param error why it did not answer, or null
     */
    public record Answer(InetSocketAddress address, NodeStatus status, String error) {
    }

    private StatusClient() {
    }

    /** Asks every address in parallel, each within {@code timeout}, with the default security (TLS, no CA: every node fails). */
    public static List<Answer> ask(List<InetSocketAddress> nodes, Duration timeout) {
        return ask(nodes, timeout, ClientSecurity.defaults());
    }

    /**
     * Asks every address in parallel, each within {@code timeout}, connecting with {@code security}
     * (a principal with {@code admin} sees the details: members, terms, log positions, lag).
     */
    public static List<Answer> ask(List<InetSocketAddress> nodes, Duration timeout, ClientSecurity security) {
        ClientHandshake handshake;
        try {
            handshake = ClientHandshake.of(security);
        } catch (IllegalArgumentException e) {
            return nodes.stream().map(a -> new Answer(a, null, e.getMessage())).toList();
        }
        EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("khora-status", true));
        try {
            UUID id = UUID.randomUUID();
            List<CompletableFuture<Answer>> asks = new ArrayList<>();
            for (InetSocketAddress a : nodes) {
                asks.add(NodeConnection.open(group, a.toString(), a, id.getMostSignificantBits(), id.getLeastSignificantBits(), false,
                                (int) timeout.toMillis(), io.khora.cluster.protocol.SizeLimits.defaults(), handshake)
                        .thenCompose(c -> c.send(rid -> new Request.Status(rid), timeout.toMillis()).whenComplete((r, e) -> c.close()))
                        .handle((Response r, Throwable e) -> {
                            if (e != null) {
                                return new Answer(a, null, String.valueOf(ClusterClient.unwrap(e).getMessage()));
                            }
                            if (r.status() == Status.ERROR) {
                                return new Answer(a, null, Responses.readError(r.body()).getMessage());
                            }
                            if (r.status() != Status.OK) {
                                return new Answer(a, null, r.status() + " " + Responses.readText(r.body()));
                            }
                            return new Answer(a, Responses.readStatus(r.body()), null);
                        }));
            }
            List<Answer> out = new ArrayList<>();
            for (CompletableFuture<Answer> f : asks) {
                out.add(f.join());
            }
            return out;
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
        }
    }
}
