package io.khora.server;

import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.cluster.protocol.ProtocolCodec;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.TypeDeclaration;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client pinned to one node: it speaks the binary protocol over one TCP connection to that node
 * only, with no routing and no retries elsewhere — what a client on the cut-off side of a network
 * partition can do. Used to show that a node cut off from its peers acknowledges nothing.
 */
final class PinnedClient implements AutoCloseable {
    static final TypeDescriptor ITEM = TypeIntrospector.describe(Item.class);

    private final Socket socket;
    private final DataOutputStream out;
    private final Map<Long, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final Thread reader;
    private final String space;

    PinnedClient(InetSocketAddress node, String space) throws IOException {
        this.space = space;
        this.socket = new Socket();
        socket.connect(node, 2000);
        socket.setTcpNoDelay(true);
        this.out = new DataOutputStream(socket.getOutputStream());
        DataInputStream in = new DataInputStream(socket.getInputStream());
        this.reader = new Thread(() -> {
            try {
                while (true) {
                    byte[] frame = new byte[in.readInt()];
                    in.readFully(frame);
                    Response r = ProtocolCodec.decodeResponse(frame);
                    CompletableFuture<Response> f = pending.remove(r.requestId());
                    if (f != null) {
                        f.complete(r);
                    }
                }
            } catch (IOException e) {
                pending.values().forEach(f -> f.completeExceptionally(e));
            }
        }, "pinned-client-" + node.getPort());
        reader.setDaemon(true);
        reader.start();
        UUID id = UUID.randomUUID();
        expectOk(send(rid -> new Request.Hello(rid, id.getMostSignificantBits(), id.getLeastSignificantBits(), false)), "hello");
        expectOk(send(rid -> new Request.Declare(rid, space, List.of(TypeDeclaration.of(ITEM)))), "declare");
    }

    private static void expectOk(CompletableFuture<Response> f, String what) throws IOException {
        try {
            Response r = f.get(5, TimeUnit.SECONDS);
            if (r.status() != Status.OK) {
                throw new IOException(what + ": " + r.status() + " " + Responses.readText(r.body()));
            }
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IOException(what + " failed: " + e, e);
        }
    }

    private synchronized CompletableFuture<Response> send(java.util.function.LongFunction<Request> make) throws IOException {
        long id = ids.incrementAndGet();
        CompletableFuture<Response> f = new CompletableFuture<>();
        pending.put(id, f);
        byte[] frame = ProtocolCodec.encode(make.apply(id));
        out.writeInt(frame.length);
        out.write(frame);
        out.flush();
        return f;
    }

    /** Sends a write of {@code item} to its partition on this node (a new call); the future has the node's response, if any. */
    CompletableFuture<Response> write(Item item, int partition) throws IOException {
        long call = calls.incrementAndGet();
        Object[] values = ITEM.codec().toValues(item);
        return send(rid -> new Request.Mutate(rid, space, partition, call, 0, true, false,
                new Command.Write(ITEM.name(), values, Lease.FOREVER, WriteMode.WRITE_ONLY)));
    }

    /** The response's status, or {@code "no answer"} / the failure, within {@code millis}. */
    static String outcome(CompletableFuture<Response> f, long millis) throws InterruptedException {
        try {
            Response r = f.get(millis, TimeUnit.MILLISECONDS);
            return r.status() == Status.OK ? "OK" : r.status() + " " + (r.status() == Status.ERROR ? "" : Responses.readText(r.body()));
        } catch (TimeoutException e) {
            return "no answer within " + millis + " ms";
        } catch (ExecutionException e) {
            return "connection failed: " + e.getCause();
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
