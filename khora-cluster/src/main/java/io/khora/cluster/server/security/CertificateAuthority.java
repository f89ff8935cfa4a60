package io.khora.cluster.server.security;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A cluster's certificate authority: a self-signed CA certificate and its key, which issue node
 * certificates (CN = node id, the node's hosts as subject alternative names, usable as TLS server
 * and client) and client certificates (CN = client name, TLS client only).
 *
 * <p>Keys are EC P-256 (secp256r1) signed with SHA256withECDSA: the security of RSA 3072 (128 bits)
 * with keys generated in milliseconds instead of seconds, far cheaper handshakes (one node opens a
 * TLS connection per partition replica and peer), and support in every JDK TLS 1.2/1.3 stack.
 * Certificates start one hour in the past (clock skew between machines). The CA may issue only end
 * certificates (path length 0). Time comes from the injected clock.
 */
public final class CertificateAuthority {
    /** The key type, said in messages and docs. */
    public static final String KEY_TYPE = "EC P-256";
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern DNS = Pattern.compile("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    private CertificateAuthority(X509Certificate certificate, PrivateKey key, Clock clock) {
        this.certificate = certificate;
        this.key = key;
        this.clock = clock;
    }

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
    }

    /** A new CA named "Khora cluster CA" plus a random suffix (two clusters' CAs never share a name), valid for {@code validity}. */
    public static CertificateAuthority create(Duration validity, Clock clock) {
        SecureRandom random = new SecureRandom();
        byte[] suffix = new byte[4];
        random.nextBytes(suffix);
        KeyPair pair = newKeyPair();
        X500Name name = name("Khora cluster CA " + HexFormat.of().formatHex(suffix));
        Instant now = clock.instant();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(random), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(validity)), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate(), clock);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create the CA certificate: " + e.getMessage(), e);
        }
    }

    /** The CA of an existing certificate and key; checks that the certificate is a CA's and the key is its. */
    public static CertificateAuthority of(X509Certificate certificate, PrivateKey key, Clock clock) {
        if (certificate.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("the certificate " + certificate.getSubjectX500Principal().getName() + " is not a CA certificate");
        }
        if (!KeyMatch.matches(certificate.getPublicKey(), key)) {
            throw new IllegalArgumentException("the CA key does not belong to the CA certificate " + certificate.getSubjectX500Principal().getName());
        }
        return new CertificateAuthority(certificate, key, clock);
    }

    /** The CA certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA's private key. */
    public PrivateKey privateKey() {
        return key;
    }

    /**
     * A certificate for node {@code nodeId}: CN = the id, subject alternative names = {@code hosts}
     * (IP addresses as IP entries, names as DNS entries), extended key usage TLS server and client.
     */
    public Issued issueNode(String nodeId, List<String> hosts, Duration validity) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("node " + nodeId + ": give at least one host for the certificate's subject alternative names");
        }
        GeneralName[] names = hosts.stream().map(CertificateAuthority::generalName).toArray(GeneralName[]::new);
        return issue(nodeId, validity, new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}, new GeneralNames(names));
    }

    /** A certificate for client {@code name}: CN = the name, extended key usage TLS client only (it cannot serve as a node). */
    public Issued issueClient(String name, Duration validity) {
        return issue(name, validity, new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}, null);
    }

    private Issued issue(String commonName, Duration validity, KeyPurposeId[] purposes, GeneralNames altNames) {
        Objects.requireNonNull(commonName, "commonName");
        KeyPair pair = newKeyPair();
        Instant now = clock.instant();
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            throw new IllegalArgumentException(commonName + ": a certificate valid until " + notAfter + " would outlive the CA (valid until "
                    + certificate.getNotAfter().toInstant() + "); ask for fewer days or make a new CA");
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(random), Date.from(now.minus(BACKDATE)),
                    Date.from(notAfter), name(commonName), pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            if (altNames != null) {
                b.addExtension(Extension.subjectAlternativeName, false, altNames);
            }
            return new Issued(sign(b, key), pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName + ": " + e.getMessage(), e);
        }
    }

    private static GeneralName generalName(String host) {
        String h = host.trim();
        if (IPV4.matcher(h).matches() || h.contains(":")) {
            try {
                return new GeneralName(GeneralName.iPAddress, h);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("host '" + host + "' is not a valid IP address", e);
            }
        }
        if (h.length() > 253 || !DNS.matcher(h).matches()) {
            throw new IllegalArgumentException("host '" + host + "' is neither an IP address nor a DNS name");
        }
        return new GeneralName(GeneralName.dNSName, h);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
        try {
            ContentSigner s = new JcaContentSignerBuilder(SIGNATURE).build(signer);
            return new JcaX509CertificateConverter().getCertificate(b.build(s));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with " + SIGNATURE + ": " + e.getMessage(), e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    /** A positive random serial number of 127 bits (RFC 5280: at most 20 octets, unpredictable). */
    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(127, random).setBit(126);
    }

    /** A new EC P-256 key pair. */
    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate EC P-256 keys: " + e.getMessage(), e);
        }
    }
}
