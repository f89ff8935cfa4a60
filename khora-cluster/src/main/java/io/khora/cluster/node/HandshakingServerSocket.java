package io.khora.cluster.node;

import io.khora.internal.lifecycle.DaemonThreads;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TLS server socket whose {@link #accept()} returns only connections whose handshake completed:
 * the handshakes run in parallel, each within its timeout, on at most {@code maxHandshakes} threads.
 *
 * <p>Why: JGroups' {@code TcpServer} accepts on one thread and reads each new connection's first
 * bytes (with TLS, its handshake) on that same thread before accepting the next. One peer that
 * connected and then stopped answering — a paused process, a connection from a replica closed in
 * the middle of its handshake — held every other peer's connection for the whole handshake timeout:
 * a partition's two live replicas could not reach each other, and no leader was elected for 10 s.
 * Here a stalled handshake holds only its own thread; beyond {@code maxHandshakes} in progress, a
 * new connection is closed (the peer retries), so a flood of half-open connections is bounded.
 */
final class HandshakingServerSocket extends ServerSocket {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakingServerSocket.class);
    private static final Socket CLOSED = new Socket();

    private final ServerSocket inner;
    private final Duration handshakeTimeout;
    private final ThreadPoolExecutor handshakes;
    private final BlockingQueue<Socket> ready = new LinkedBlockingQueue<>();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile Thread acceptor;
    private volatile boolean closed;

    /**
     * @param inner            the TLS server socket (its accepted sockets are {@link SSLSocket}s)
     * @param handshakeTimeout the longest one handshake may take
     * @param maxHandshakes    how many handshakes may be in progress at once
     */
    HandshakingServerSocket(ServerSocket inner, Duration handshakeTimeout, int maxHandshakes) throws IOException {
        this.inner = inner;
        this.handshakeTimeout = handshakeTimeout;
        this.handshakes = new ThreadPoolExecutor(0, maxHandshakes, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.numbered("khora-tls-handshake-"));
        if (inner.isBound()) {
            startAcceptor();
        }
    }

    @Override
    public Socket accept() throws IOException {
        if (!inner.isBound()) {
            throw new SocketException("Socket is not bound yet");
        }
        while (true) {
            if (closed) {
                throw new SocketException("Socket is closed");
            }
            try {
                Socket s = ready.take();
                if (s == CLOSED) {
                    ready.offer(CLOSED); // for any other caller
                    throw new SocketException("Socket is closed");
                }
                return s;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SocketException("interrupted while accepting");
            }
        }
    }

    private synchronized void startAcceptor() {
        if (acceptor == null && !closed) {
            acceptor = DaemonThreads.start("khora-tls-accept-" + inner.getLocalPort(), this::acceptLoop);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = inner.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("TLS server socket on port {}: accept failed: {}", inner.getLocalPort(), e.toString());
                    if (inner.isClosed()) {
                        break;
                    }
                }
                continue;
            }
            try {
                handshakes.execute(() -> handshake(s));
            } catch (RejectedExecutionException e) {
                int k = refused.incrementAndGet();
                if (k == 1 || Integer.bitCount(k) == 1) { // 1, 2, 4, 8, …: a flood is not a log flood
                    LOG.warn("TLS server socket on port {}: {} handshakes in progress (the limit); closed the connection from {} ({} so far)",
                            inner.getLocalPort(), handshakes.getMaximumPoolSize(), s.getRemoteSocketAddress(), k);
                }
                closeQuietly(s);
            }
        }
        ready.offer(CLOSED);
    }

    private void handshake(Socket s) {
        try {
            if (s instanceof SSLSocket ssl) {
                int before = ssl.getSoTimeout();
                ssl.setSoTimeout((int) handshakeTimeout.toMillis());
                ssl.startHandshake();
                ssl.setSoTimeout(before);
            }
            if (closed) {
                closeQuietly(s);
            } else {
                ready.offer(s);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("TLS server socket on port {}: the handshake with {} failed: {}", inner.getLocalPort(), s.getRemoteSocketAddress(),
                    e.toString());
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        try {
            inner.close();
        } finally {
            handshakes.shutdownNow();
            ready.offer(CLOSED);
            Socket s;
            while ((s = ready.poll()) != null) {
                if (s != CLOSED) {
                    closeQuietly(s);
                }
            }
            ready.offer(CLOSED);
        }
    }

    @Override
    public boolean isClosed() {
        return closed || inner.isClosed();
    }

    @Override
    public void bind(SocketAddress endpoint) throws IOException {
        inner.bind(endpoint);
        startAcceptor(); // handshakes begin at once: a peer's connection completes before the first accept() is called
    }

    @Override
    public void bind(SocketAddress endpoint, int backlog) throws IOException {
        inner.bind(endpoint, backlog);
        startAcceptor();
    }

    @Override
    public boolean isBound() {
        return inner.isBound();
    }

    @Override
    public InetAddress getInetAddress() {
        return inner.getInetAddress();
    }

    @Override
    public int getLocalPort() {
        return inner.getLocalPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return inner.getLocalSocketAddress();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        inner.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return inner.getReuseAddress();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        inner.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return inner.getReceiveBufferSize();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        inner.setSoTimeout(timeout);
    }

    @Override
    public String toString() {
        return "HandshakingServerSocket[" + inner + "]";
    }
}
