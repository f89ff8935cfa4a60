package io.khora.cluster.server.security;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The PEM files a node's TLS uses: the cluster CA certificate it trusts, and its own certificate
 * and private key.
 *
 * @param ca the cluster CA certificate ({@code ca.pem})
 * @param certificate this node's certificate ({@code <id>.pem}), signed by the CA
 * @param key this node's private key ({@code <id>-key.pem})
 */
public record TlsFiles(Path ca, Path certificate, Path key) {
    /** Checks the components. */
    public TlsFiles {
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }

    /** Node {@code nodeId}'s files in a security directory made by {@code khora certs}. */
    public static TlsFiles inDirectory(Path dir, String nodeId) {
        return new TlsFiles(dir.resolve(SecurityDirectory.CA_CERTIFICATE), SecurityDirectory.certificate(dir, nodeId),
                SecurityDirectory.key(dir, nodeId));
    }
}
