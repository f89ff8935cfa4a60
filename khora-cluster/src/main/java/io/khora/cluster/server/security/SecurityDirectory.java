package io.khora.cluster.server.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A cluster's security directory (what {@code khora certs} writes): {@code ca.pem} and
 * {@code ca-key.pem} (the cluster CA), {@code <node>.pem} and {@code <node>-key.pem} per node,
 * {@code <client>.pem} and {@code <client>-key.pem} per client certificate. Keys are mode 0600,
 * certificates 0644, a new directory 0700.
 *
 * <p>{@link #ensure} adds what is missing and never overwrites: an existing certificate and key are
 * kept (and checked against the CA); half a pair (a key without its certificate, or the reverse) is
 * an error naming both files. A new CA is valid for {@link #CA_VALIDITY} (longer if the certificates
 * asked for are).
 */
public final class SecurityDirectory {
    /** The CA certificate's file name. */
    public static final String CA_CERTIFICATE = "ca.pem";
    /** The CA key's file name. */
    public static final String CA_KEY = "ca-key.pem";
    /** How long node and client certificates are valid unless said otherwise (825 days, the longest browsers accepted for server certificates). */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(825);
    /** How long a new CA is valid at least (10 years). */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** The hosts of a node certificate unless said otherwise. */
    public static final List<String> DEFAULT_HOSTS = List.of("127.0.0.1", "localhost");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private SecurityDirectory() {
    }

    /** {@code dir/<name>.pem}. */
    public static Path certificate(Path dir, String name) {
        return dir.resolve(name + ".pem");
    }

    /** {@code dir/<name>-key.pem}. */
    public static Path key(Path dir, String name) {
        return dir.resolve(name + "-key.pem");
    }

    /**
     * What to make: certificates for {@code nodes} (with {@code hosts} as their alternative names) and
     * {@code clients}, valid for {@code validity}.
     */
    public record Request(List<String> nodes, List<String> hosts, List<String> clients, Duration validity) {
        /** Checks the names (file-name safe, unique, a client not named like a node) and the validity. */
        public Request {
            nodes = List.copyOf(nodes);
            hosts = List.copyOf(hosts);
            clients = List.copyOf(clients);
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("give at least one node id (--nodes n1,n2,n3)");
            }
            Set<String> seen = new HashSet<>();
            for (String n : nodes) {
                checkName("node id", n);
                if (!seen.add(n)) {
                    throw new IllegalArgumentException("node id '" + n + "' is given twice");
                }
            }
            for (String c : clients) {
                checkName("client name", c);
                if (!seen.add(c)) {
                    throw new IllegalArgumentException("client name '" + c + "' is also a node id or given twice: a client certificate "
                            + "named like a node would make its holder a node");
                }
            }
            if (validity.isNegative() || validity.isZero()) {
                throw new IllegalArgumentException("the validity must be positive, got " + validity);
            }
        }
    }

    /** What {@link #ensure} did: one line per file pair created and per pair kept. */
    public record Outcome(List<String> created, List<String> kept) {
    }

    /** Checks that {@code name} can name files here: letters, digits, '.', '_', '-', not first a '.' or '-', at most 64, not "ca". */
    public static void checkName(String kind, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(kind + " '" + name + "' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (name.equals("ca")) {
            throw new IllegalArgumentException(kind + " 'ca' is reserved for the cluster CA's files");
        }
    }

    /** Creates the directory if needed and every file of {@code request} that is missing; see the class comment. */
    public static Outcome ensure(Path dir, Request request, Clock clock) throws IOException {
        NewFiles.createPrivateDirectory(dir);
        List<String> created = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        Path caCert = dir.resolve(CA_CERTIFICATE);
        Path caKey = dir.resolve(CA_KEY);
        List<String> missing = new ArrayList<>();
        for (String n : request.nodes()) {
            if (!pairExists(dir, n)) {
                missing.add(n);
            }
        }
        for (String c : request.clients()) {
            if (!pairExists(dir, c)) {
                missing.add(c);
            }
        }
        CertificateAuthority ca;
        X509Certificate caCertificate;
        if (!Files.exists(caCert) && !Files.exists(caKey)) {
            Duration caValidity = request.validity().plusDays(1).compareTo(CA_VALIDITY) > 0 ? request.validity().plusDays(1) : CA_VALIDITY;
            ca = CertificateAuthority.create(caValidity, clock);
            caCertificate = ca.certificate();
            NewFiles.writeSecret(caKey, Pem.format(ca.privateKey()));
            NewFiles.writePublic(caCert, Pem.format(ca.certificate()));
            created.add(CA_CERTIFICATE + ", " + CA_KEY + ": the cluster CA (" + CertificateAuthority.KEY_TYPE + ", "
                    + caCertificate.getSubjectX500Principal().getName() + "), valid until " + caCertificate.getNotAfter().toInstant());
        } else {
            if (!Files.exists(caCert)) {
                throw new IllegalArgumentException(caKey + " exists but " + caCert + " does not: restore the CA certificate, or move the directory "
                        + "away and start a new one");
            }
            caCertificate = Pem.readCertificate(caCert);
            if (missing.isEmpty()) {
                ca = null;
            } else if (!Files.exists(caKey)) {
                throw new IllegalArgumentException(caKey + " is missing: cannot sign certificates for " + missing
                        + "; restore the CA key (only khora certs needs it)");
            } else {
                PrivateKey key = Pem.readPrivateKey(caKey);
                try {
                    ca = CertificateAuthority.of(caCertificate, key, clock);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(dir + ": " + e.getMessage(), e);
                }
            }
            kept.add(CA_CERTIFICATE + (Files.exists(caKey) ? ", " + CA_KEY : "") + ": exist, kept");
        }
        for (String n : request.nodes()) {
            if (missing.contains(n)) {
                CertificateAuthority.Issued issued = ca.issueNode(n, request.hosts(), request.validity());
                write(dir, n, issued);
                created.add(n + ".pem, " + n + "-key.pem: node " + n + ", hosts " + request.hosts() + ", valid until "
                        + issued.certificate().getNotAfter().toInstant());
            } else {
                X509Certificate existing = checkExisting(dir, n, caCertificate);
                if (!NodePeerTrust.isNodeCertificate(existing)) {
                    throw new IllegalArgumentException(certificate(dir, n) + " is a client certificate, not a node's: a node id and a client "
                            + "name must differ (or delete " + n + ".pem and " + n + "-key.pem and run again)");
                }
                Set<String> hosts = hosts(existing);
                String note = hosts.equals(normalized(request.hosts())) ? ""
                        : "; its hosts " + hosts + " differ from " + request.hosts() + ": delete both files and run again to reissue it";
                kept.add(n + ".pem, " + n + "-key.pem: exist, kept" + note);
            }
        }
        for (String c : request.clients()) {
            if (missing.contains(c)) {
                CertificateAuthority.Issued issued = ca.issueClient(c, request.validity());
                write(dir, c, issued);
                created.add(c + ".pem, " + c + "-key.pem: client " + c + ", valid until " + issued.certificate().getNotAfter().toInstant());
            } else {
                checkExisting(dir, c, caCertificate);
                kept.add(c + ".pem, " + c + "-key.pem: exist, kept");
            }
        }
        return new Outcome(List.copyOf(created), List.copyOf(kept));
    }

    private static void write(Path dir, String name, CertificateAuthority.Issued issued) throws IOException {
        NewFiles.writeSecret(key(dir, name), Pem.format(issued.key()));
        NewFiles.writePublic(certificate(dir, name), Pem.format(issued.certificate()));
    }

    /** Whether both files of {@code name} exist (false if neither); half a pair is an error. */
    private static boolean pairExists(Path dir, String name) {
        boolean cert = Files.exists(certificate(dir, name));
        boolean key = Files.exists(key(dir, name));
        if (cert != key) {
            Path present = cert ? certificate(dir, name) : key(dir, name);
            Path absent = cert ? key(dir, name) : certificate(dir, name);
            throw new IllegalArgumentException(present + " exists but " + absent + " does not: restore it, or delete " + present
                    + " and run again to issue a new pair");
        }
        return cert;
    }

    private static X509Certificate checkExisting(Path dir, String name, X509Certificate ca) throws IOException {
        X509Certificate c = Pem.readCertificate(certificate(dir, name));
        try {
            c.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(certificate(dir, name) + " is not signed by " + dir.resolve(CA_CERTIFICATE)
                    + ": delete " + name + ".pem and " + name + "-key.pem and run again to issue a new pair");
        }
        return c;
    }

    /** The DNS and IP subject alternative names of {@code c}, IPs in canonical form. */
    static Set<String> hosts(X509Certificate c) {
        try {
            Collection<List<?>> names = c.getSubjectAlternativeNames();
            List<String> out = new ArrayList<>();
            if (names != null) {
                for (List<?> n : names) {
                    int type = (Integer) n.get(0);
                    if (type == 2 || type == 7) {
                        out.add(String.valueOf(n.get(1)));
                    }
                }
            }
            return normalized(out);
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException(c.getSubjectX500Principal() + ": unreadable subject alternative names: " + e.getMessage(), e);
        }
    }

    private static Set<String> normalized(List<String> hosts) {
        Set<String> out = new LinkedHashSet<>();
        for (String h : hosts) {
            String t = h.trim();
            if (t.matches("[0-9.]+") || t.contains(":")) {
                try {
                    t = InetAddress.getByName(t).getHostAddress(); // an IP literal: parsed, not looked up
                } catch (UnknownHostException e) {
                    // keep as written
                }
            }
            out.add(t.toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
