package io.khora.cluster.server;

import io.khora.cluster.server.security.Role;
import io.khora.cluster.server.security.UserStore;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * For tests: a throwaway CA and certificates in a directory laid out as {@code khora certs} writes it
 * (SECURITY.md): {@code ca.pem}, {@code <node>.pem}/{@code <node>-key.pem} (CN = node id, SAN
 * 127.0.0.1 and localhost, server and client use), {@code users.yaml} with the users below and
 * their {@code <user>.password} files. EC P-256 keys, PKCS#8 PEM.
 *
 * <ul>
 * <li>{@code admin}: every role on every space (password)</li>
 * <li>{@code reader}: read on every space (password)</li>
 * <li>{@code writer}: read and write on every space (password)</li>
 * <li>{@code mirror}: mirror on every space (client certificate {@code mirror.pem})</li>
 * </ul>
 */
public final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate ca;

    private TestCertificates(Path dir, KeyPair caKeys, X509Certificate ca) {
        this.dir = dir;
        this.caKeys = caKeys;
        this.ca = ca;
    }

    /** A CA alone in {@code dir} (no node certificates, no users). */
    public static TestCertificates ca(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        KeyPair keys = keys();
        X509Certificate ca = sign(new X500Name("CN=" + name), keys, new X500Name("CN=" + name), keys, true, List.of());
        Files.writeString(dir.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()));
        return new TestCertificates(dir, keys, ca);
    }

    /** A CA, a certificate per node, the users above and the client certificate {@code mirror}, in {@code dir}. */
    public static TestCertificates create(Path dir, List<String> nodes) throws Exception {
        TestCertificates c = ca(dir, "khora test CA");
        for (String n : nodes) {
            c.issue(n);
        }
        c.issue("mirror");
        UserStore users = UserStore.open(dir.resolve("users.yaml"));
        c.addUser(users, "admin", EnumSet.allOf(Role.class));
        c.addUser(users, "reader", EnumSet.of(Role.READ));
        c.addUser(users, "writer", EnumSet.of(Role.READ, Role.WRITE));
        users.addCertificateUser("mirror", Map.of("*", EnumSet.of(Role.MIRROR)));
        users.save();
        return c;
    }

    private void addUser(UserStore users, String name, EnumSet<Role> roles) throws IOException {
        char[] password = UserStore.newPassword();
        users.addPasswordUser(name, password, Map.of("*", roles));
        Files.writeString(dir.resolve(name + ".password"), new String(password) + "\n");
    }

    /** Issues {@code <name>.pem} and {@code <name>-key.pem} signed by this CA (CN = name, SAN 127.0.0.1 and localhost). */
    public void issue(String name) throws Exception {
        issue(name, List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")));
    }

    /** Issues {@code <name>.pem} and {@code <name>-key.pem} signed by this CA with the subject alternative names {@code names}. */
    public void issue(String name, List<GeneralName> names) throws Exception {
        KeyPair keys = keys();
        X509Certificate cert = sign(new X500Name("CN=" + name), keys, new X500Name(ca.getSubjectX500Principal().getName()), caKeys, false,
                names);
        Files.writeString(cert(name), pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(key(name), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    }

    /** The directory. */
    public Path dir() {
        return dir;
    }

    /** {@code ca.pem}. */
    public Path ca() {
        return dir.resolve("ca.pem");
    }

    /** {@code <name>.pem}. */
    public Path cert(String name) {
        return dir.resolve(name + ".pem");
    }

    /** {@code <name>-key.pem}. */
    public Path key(String name) {
        return dir.resolve(name + "-key.pem");
    }

    /** {@code <user>.password}. */
    public Path passwordFile(String user) {
        return dir.resolve(user + ".password");
    }

    /**
     * A JDK TLS context trusting this CA and presenting the certificate {@code name} (issued before;
     * null: none), for raw-socket tests.
     */
    public SSLContext sslContext(String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        if (name != null) {
            X509Certificate cert;
            try (var in = Files.newInputStream(cert(name))) {
                cert = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            String pem = Files.readString(key(name)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            java.security.PrivateKey key = java.security.KeyFactory.getInstance("EC")
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            ks.setKeyEntry(name, key, new char[0], new java.security.cert.Certificate[] {cert});
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys, boolean ca,
                                        List<GeneralName> names) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), subject, subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
