package io.khora.cluster.server.security;

import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides whether a peer at the other end of a node-to-node TLS connection is a node of this
 * cluster: its certificate chain must verify against the cluster CA (the delegate, the JDK's PKIX
 * trust manager), and the certificate must be a node certificate (extended key usage TLS server
 * and client, which {@code khora certs} gives node certificates only) whose CN is one of the
 * cluster's node ids. A client certificate of the same CA (the mirror's, say) is therefore refused.
 *
 * <p>Every refusal is counted; a WARN names the peer's address and the reason, at most one line
 * every {@link #LOG_INTERVAL_NANOS} (the others are counted in the next line).
 */
final class NodePeerTrust extends X509ExtendedTrustManager {
    private static final Logger LOG = LoggerFactory.getLogger(NodePeerTrust.class);
    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private final X509ExtendedTrustManager delegate;
    private final Set<String> nodeIds;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private final AtomicLong suppressed = new AtomicLong();

    NodePeerTrust(X509ExtendedTrustManager delegate, Set<String> nodeIds) {
        this.delegate = delegate;
        this.nodeIds = Set.copyOf(nodeIds);
    }

    /** Sets the refusal count back to 0 (after the warm-up handshake, which refuses nothing when it succeeds). */
    void forgetRefusals() {
        refused.set(0);
    }

    /** How many peers were refused so far. */
    long refused() {
        return refused.get();
    }

    /** The delegate's chain check, one of its six overloads. */
    @FunctionalInterface
    private interface ChainCheck {
        void run() throws CertificateException;
    }

    /** Runs the delegate's chain check, then this class's node check; a refusal is counted and logged naming {@code peer}. */
    private void check(ChainCheck chainCheck, X509Certificate[] chain, String peer) throws CertificateException {
        try {
            chainCheck.run();
        } catch (CertificateException e) {
            throw refuse(peer, chain, e);
        }
        checkNode(chain, peer);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(() -> delegate.checkClientTrusted(chain, authType, socket), chain, peer(socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(() -> delegate.checkServerTrusted(chain, authType, socket), chain, peer(socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(() -> delegate.checkClientTrusted(chain, authType, engine), chain, peer(engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(() -> delegate.checkServerTrusted(chain, authType, engine), chain, peer(engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(() -> delegate.checkClientTrusted(chain, authType), chain, "?");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(() -> delegate.checkServerTrusted(chain, authType), chain, "?");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    private void checkNode(X509Certificate[] chain, String peer) throws CertificateException {
        X509Certificate leaf = chain[0];
        String cn = commonName(leaf);
        if (cn == null || !nodeIds.contains(cn)) {
            throw refuse(peer, chain, new CertificateException("its CN " + (cn == null ? "(none)" : "'" + cn + "'")
                    + " is not a node id of this cluster " + nodeIds.stream().sorted().toList()));
        }
        if (!isNodeCertificate(leaf)) {
            throw refuse(peer, chain, new CertificateException("it is not a node certificate (its extended key usage " + usage(leaf)
                    + " lacks TLS server or client authentication)"));
        }
    }

    /** Whether {@code c}'s extended key usage allows TLS server and client authentication, as {@code khora certs} gives node certificates. */
    static boolean isNodeCertificate(X509Certificate c) {
        List<String> usage = usage(c);
        return usage != null && usage.contains(SERVER_AUTH) && usage.contains(CLIENT_AUTH);
    }

    private static List<String> usage(X509Certificate c) {
        try {
            return c.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return null;
        }
    }

    private CertificateException refuse(String peer, X509Certificate[] chain, CertificateException cause) {
        refused.incrementAndGet();
        String subject = chain == null || chain.length == 0 ? "(no certificate)" : chain[0].getSubjectX500Principal().getName()
                + " issued by " + chain[0].getIssuerX500Principal().getName();
        String reason = "refused cluster peer " + peer + ": certificate " + subject + ": " + cause.getMessage();
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLog.compareAndSet(last, now)) {
            long others = suppressed.getAndSet(0);
            LOG.warn("{}{}", reason, others == 0 ? "" : " (and " + others + " more refusals since the last such line)");
        } else {
            suppressed.incrementAndGet();
        }
        return new CertificateException(reason, cause);
    }

    private static String peer(SSLEngine engine) {
        return engine == null ? "?" : engine.getPeerHost() + ":" + engine.getPeerPort();
    }

    private static String peer(Socket socket) {
        return socket == null || socket.getRemoteSocketAddress() == null ? "?" : String.valueOf(socket.getRemoteSocketAddress());
    }

    /** The CN of {@code c}'s subject, or null. */
    static String commonName(X509Certificate c) {
        X500Name name = X500Name.getInstance(c.getSubjectX500Principal().getEncoded());
        RDN[] cns = name.getRDNs(BCStyle.CN);
        return cns.length == 0 ? null : IETFUtils.valueToString(cns[0].getFirst().getValue());
    }
}
