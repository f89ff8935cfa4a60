package io.khora.cluster.node;

import org.jgroups.protocols.TCP;
import org.jgroups.util.DefaultSocketFactory;
import org.jgroups.util.TLS;
import org.jgroups.util.TLSClientAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.net.SocketException;
import java.time.Duration;

/**
 * Puts a JGroups TCP transport on mutual TLS: JGroups' own TLS socket factory
 * ({@link TLS#createSocketFactory(SSLContext)}: TLS 1.3, client authentication required on the
 * accepting side) over the node's context, with the handshake bounded at both ends.
 *
 * <p>Why bound it: JGroups connects to a peer while holding its server's one connection lock and
 * runs the client's handshake there, with no read timeout of its own; a peer that accepts the TCP
 * connection but never answers (a paused process: the kernel still accepts) would hold that lock
 * until it resumed, and with it every new connection of the channel. So a client socket reads with
 * {@link #HANDSHAKE_TIMEOUT} until its handshake completes, then without a timeout again; the
 * accepting end reads the handshake and the peer's address within the same time (JGroups'
 * {@code peer_addr_read_timeout}, 1 s by default, which a cold JVM on a busy machine overran: the
 * nodes then started as separate views and merged seconds later).
 *
 * <p>FD_SOCK2 does not run on such a transport (see {@link RaftStack}); the transport suspects a
 * peer whose connection closes instead ({@code enable_suspect_events}), and VERIFY_SUSPECT2 checks
 * the suspicion over TLS before the peer is excluded.
 */
final class TlsTransport {
    private static final Logger LOG = LoggerFactory.getLogger(TlsTransport.class);
    /** The longest a TLS handshake (plus the peer's JGroups address, at the accepting end) may take. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    static final String[] PROTOCOLS = {"TLSv1.3"};

    private TlsTransport() {
    }

    /** Configures {@code tcp} (not yet started) for mutual TLS over {@code context}. */
    static void secure(TCP tcp, SSLContext context) {
        int timeout = (int) HANDSHAKE_TIMEOUT.toMillis();
        DefaultSocketFactory factory = (DefaultSocketFactory) new TLS().enabled(true).setSSLContext(context)
                .setClientAuth(TLSClientAuth.NEED).setProtocols(PROTOCOLS).createSocketFactory(context);
        factory.setSocketConfigurator(s -> {
            if (s instanceof SSLSocket ssl) {
                ssl.setEnabledProtocols(PROTOCOLS);
                try {
                    ssl.setSoTimeout(timeout);
                } catch (SocketException e) {
                    LOG.debug("cannot bound the TLS handshake of {}: {}", s, e.toString());
                }
                ssl.addHandshakeCompletedListener(done -> {
                    try {
                        done.getSocket().setSoTimeout(0); // the connection's reads block as JGroups expects
                    } catch (SocketException e) {
                        LOG.debug("socket {} closed right after its handshake: {}", done.getSocket(), e.toString());
                    }
                });
            }
        });
        tcp.setSocketFactory(factory);
        tcp.setPeerAddrReadTimeout(timeout);
        tcp.enableSuspectEvents(true);
    }
}
