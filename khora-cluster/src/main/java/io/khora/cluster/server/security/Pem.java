package io.khora.cluster.server.security;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PEM files: X.509 certificates and unencrypted private keys. Writes PKCS#8 keys
 * ({@code BEGIN PRIVATE KEY}); reads PKCS#8 and the traditional OpenSSL forms ({@code BEGIN EC PRIVATE
 * KEY}, {@code BEGIN RSA PRIVATE KEY}). Every error names the file.
 */
public final class Pem {
    private Pem() {
    }

    /** The certificates in {@code file}, in order (at least one). */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (java.security.cert.Certificate c : cf.generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(file + ": no certificate in it (expected a PEM 'BEGIN CERTIFICATE' block)");
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("certificate file " + file + " does not exist");
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + ": not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /** The first certificate in {@code file}. */
    public static X509Certificate readCertificate(Path file) throws IOException {
        return readCertificates(file).get(0);
    }

    /** The unencrypted private key in {@code file}. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new IllegalArgumentException(file + ": the private key is encrypted; give an unencrypted key (mode 0600)");
            }
            throw new IllegalArgumentException(file + ": no private key in it (expected a PEM 'BEGIN PRIVATE KEY' block)"
                    + (o == null ? "" : ", found " + o.getClass().getSimpleName()));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("private key file " + file + " does not exist");
        } catch (org.bouncycastle.openssl.PEMException e) {
            throw new IllegalArgumentException(file + ": not a PEM private key: " + e.getMessage(), e);
        }
    }

    /** {@code certificate} as a PEM block. */
    public static String format(X509Certificate certificate) {
        try {
            return block("CERTIFICATE", certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode certificate " + certificate.getSubjectX500Principal() + ": " + e.getMessage(), e);
        }
    }

    /** {@code key} as a PKCS#8 PEM block ({@code BEGIN PRIVATE KEY}). */
    public static String format(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("a " + key.getAlgorithm() + " key in format " + key.getFormat() + " cannot be written as PKCS#8");
        }
        return block("PRIVATE KEY", key.getEncoded());
    }

    private static String block(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
