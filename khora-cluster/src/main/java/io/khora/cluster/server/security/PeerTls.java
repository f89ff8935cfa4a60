package io.khora.cluster.server.security;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The TLS of a node's connections to the other nodes (the JGroups transport of every Raft group
 * and of the membership channel): TLS 1.3, mutual — each end presents its node certificate and
 * accepts the other's only if it is signed by the cluster CA and is the node certificate of one
 * of the cluster's node ids ({@link NodePeerTrust}). One instance (one {@link SSLContext}) serves
 * every channel of a node.
 *
 * <p>{@link #load} checks the files at once, so a node with a wrong file refuses to start with a
 * message naming it instead of failing every handshake later: the key must belong to the
 * certificate, the certificate must be signed by the CA, be valid now, and name this node. It then
 * runs one handshake with itself in memory ({@link TlsWarmUp}), which also proves that the node
 * would accept its own certificate from a peer.
 */
public final class PeerTls {
    private final SSLContext context;
    private final NodePeerTrust trust;
    private final String description;

    private PeerTls(SSLContext context, NodePeerTrust trust, String description) {
        this.context = context;
        this.trust = trust;
        this.description = description;
    }

    /**
     * The TLS of node {@code selfId} from {@code files}, accepting peers whose certificates name one of
     * {@code nodeIds}; time (for the validity check) from {@code clock}.
     */
    public static PeerTls load(TlsFiles files, String selfId, Collection<String> nodeIds, Clock clock) throws IOException {
        List<X509Certificate> cas = Pem.readCertificates(files.ca());
        List<X509Certificate> chain = Pem.readCertificates(files.certificate());
        PrivateKey key = Pem.readPrivateKey(files.key());
        X509Certificate own = chain.get(0);
        if (!KeyMatch.matches(own.getPublicKey(), key)) {
            throw new IllegalArgumentException(files.key() + " is not the private key of the certificate " + files.certificate());
        }
        if (cas.stream().noneMatch(ca -> signedBy(own, ca))) {
            throw new IllegalArgumentException(files.certificate() + " is not signed by the CA in " + files.ca()
                    + " (issuer " + own.getIssuerX500Principal().getName() + ")");
        }
        try {
            own.checkValidity(java.util.Date.from(clock.instant()));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new IllegalArgumentException(files.certificate() + " is not valid now (valid from " + own.getNotBefore().toInstant() + " until "
                    + own.getNotAfter().toInstant() + "): issue a new one with khora certs");
        }
        String cn = NodePeerTrust.commonName(own);
        if (!selfId.equals(cn)) {
            throw new IllegalArgumentException(files.certificate() + " is the certificate of '" + cn + "', not of this node '" + selfId + "'");
        }
        if (!nodeIds.contains(selfId)) {
            throw new IllegalArgumentException("node '" + selfId + "' is not one of the cluster's nodes " + nodeIds);
        }
        if (!NodePeerTrust.isNodeCertificate(own)) {
            throw new IllegalArgumentException(files.certificate() + " is not a node certificate (a node's allows TLS server and client "
                    + "authentication): issue one with khora certs --nodes " + selfId);
        }
        try {
            char[] password = new char[16];
            SecureRandom r = new SecureRandom();
            for (int i = 0; i < password.length; i++) {
                password[i] = (char) ('a' + r.nextInt(26));
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("node", key, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);

            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                anchors.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            X509ExtendedTrustManager pkix = null;
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    pkix = x;
                }
            }
            NodePeerTrust trust = new NodePeerTrust(Objects.requireNonNull(pkix, "the JDK's X.509 trust manager"), Set.copyOf(nodeIds));
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(kmf.getKeyManagers(), new TrustManager[] {trust}, null);
            TlsWarmUp.handshake(ctx, new String[] {"TLSv1.3"});
            trust.forgetRefusals();
            return new PeerTls(ctx, trust, "TLS 1.3 between nodes, " + own.getSubjectX500Principal().getName() + " trusting "
                    + cas.get(0).getSubjectX500Principal().getName());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS from " + files + ": " + e.getMessage(), e);
        }
    }

    /** The context of every node-to-node TLS socket. */
    public SSLContext context() {
        return context;
    }

    /** How many peers this node refused for their certificate (not from the cluster CA, or not a node's). */
    public long refusedPeers() {
        return trust.refused();
    }

    private static boolean signedBy(X509Certificate c, X509Certificate ca) {
        try {
            c.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
