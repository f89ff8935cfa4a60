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
 * partition can do. Used to show that a node cut off from its peers acknowledges nothing. On a
 * secured cluster the connection is TLS (trusting the cluster CA) and the client authenticates as
 * {@code admin} with SCRAM-SHA-256 after HELLO, as the real client does.
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

    /** A client of a cluster without security (plain TCP, no authentication). */
    PinnedClient(InetSocketAddress node, String space) throws IOException {
        this(node, space, null);
    }

    /**
     * A client of a cluster whose security directory is {@code securityDir} (its {@code ca.pem} and
     * {@code admin.password}), or of a cluster without security if null.
     */
    PinnedClient(InetSocketAddress node, String space, java.nio.file.Path securityDir) throws IOException {
        this.space = space;
        Socket plain = new Socket();
        plain.connect(node, 2000);
        plain.setTcpNoDelay(true);
        this.socket = securityDir == null ? plain : tls(plain, node, securityDir.resolve("ca.pem"));
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
        if (securityDir != null) {
            scram("admin", java.nio.file.Files.readString(securityDir.resolve("admin.password")).strip());
        }
        expectOk(send(rid -> new Request.Declare(rid, space, List.of(TypeDeclaration.of(ITEM)))), "declare");
    }

    private static Socket tls(Socket plain, InetSocketAddress node, java.nio.file.Path ca) throws IOException {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(ca)) {
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket(plain, node.getHostString(),
                    node.getPort(), true);
            javax.net.ssl.SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.setSoTimeout(10_000);
            s.startHandshake();
            s.setSoTimeout(0);
            return s;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("TLS to " + node + " with CA " + ca + ": " + e, e);
        }
    }

    private void scram(String user, String password) throws IOException {
        com.ongres.scram.client.ScramClient scram = com.ongres.scram.client.ScramClient.builder()
                .advertisedMechanisms(List.of("SCRAM-SHA-256")).username(user).password(password.toCharArray()).build();
        try {
            Responses.AuthStep first = authStep(scram.clientFirstMessage().toString());
            scram.serverFirstMessage(new String(first.data(), java.nio.charset.StandardCharsets.UTF_8));
            Responses.AuthStep last = authStep(scram.clientFinalMessage().toString());
            scram.serverFinalMessage(new String(last.data(), java.nio.charset.StandardCharsets.UTF_8));
            if (!last.done()) {
                throw new IOException("authentication as " + user + ": the node did not complete the SCRAM exchange");
            }
        } catch (com.ongres.scram.common.exception.ScramException e) {
            throw new IOException("authentication as " + user + ": " + e.getMessage(), e);
        }
    }

    private Responses.AuthStep authStep(String message) throws IOException {
        byte[] data = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            Response r = send(rid -> new Request.Auth(rid, "SCRAM-SHA-256", data)).get(10, TimeUnit.SECONDS);
            if (r.status() != Status.OK) {
                throw new IOException("authentication: " + r.status() + " "
                        + (r.status() == Status.ERROR ? Responses.readError(r.body()).getMessage() : Responses.readText(r.body())));
            }
            return Responses.readAuthStep(r.body());
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IOException("authentication failed: " + e, e);
        }
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
