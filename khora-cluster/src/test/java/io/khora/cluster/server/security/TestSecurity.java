package io.khora.cluster.server.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.SSLContext;

/**
 * Security directories for the tests, made with the code of {@code khora certs}: one for this JVM
 * (the "cluster CA"), certificates added on demand, and as many "foreign" ones (another CA each) as
 * a test asks for.
 */
public final class TestSecurity {
    private static final Path ROOT = Path.of("target", "test-security", "run-" + System.nanoTime()).toAbsolutePath();
    private static final Path CLUSTER = ROOT.resolve("cluster");
    private static int foreign;

    private TestSecurity() {
    }

    /** The cluster directory, with certificates for {@code ids} (those missing are issued). */
    public static synchronized Path directory(Collection<String> ids) {
        return ensure(CLUSTER, ids, List.of());
    }

    /** The cluster directory, with node certificates for {@code ids} and client certificates for {@code clients}. */
    public static synchronized Path directory(Collection<String> ids, Collection<String> clients) {
        return ensure(CLUSTER, ids, clients);
    }

    /** Node {@code id}'s files in the cluster directory. */
    public static TlsFiles files(String id) {
        return TlsFiles.inDirectory(directory(List.of(id)), id);
    }

    /** The peer TLS context of node {@code self} of a cluster of {@code nodeIds}, from the cluster directory. */
    public static SSLContext peerContext(String self, Collection<String> nodeIds) {
        directory(nodeIds);
        try {
            return PeerTls.load(files(self), self, nodeIds, Clock.systemUTC()).context();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new directory with a CA of its own and certificates for {@code ids} and client certificates for {@code clients}. */
    public static synchronized Path foreignDirectory(Collection<String> ids, Collection<String> clients) {
        return ensure(ROOT.resolve("foreign-" + ++foreign), ids, clients);
    }

    /** Makes {@code dir} hold certificates for {@code ids} and {@code clients} (with the default hosts and validity). */
    public static synchronized Path ensure(Path dir, Collection<String> ids, Collection<String> clients) {
        try {
            SecurityDirectory.ensure(dir, new SecurityDirectory.Request(List.copyOf(ids), SecurityDirectory.DEFAULT_HOSTS, List.copyOf(clients),
                    SecurityDirectory.DEFAULT_VALIDITY), Clock.systemUTC());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
