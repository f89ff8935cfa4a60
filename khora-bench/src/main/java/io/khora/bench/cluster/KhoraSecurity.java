package io.khora.bench.cluster;

import io.khora.cluster.client.ClientSecurity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How one of the benchmark's Khora clusters is secured, and so which Khora contestant it is. Secured
 * ({@link #secured}: what a user gets by default): a security directory written by
 * {@code khora certs} — the cluster CA, a certificate per node, {@code users.yaml} and the
 * {@code admin} password — every node started with {@code --security-dir} (mutual TLS between the
 * nodes, TLS and SCRAM-SHA-256 authentication on the client port), and the client connecting with
 * the CA and the {@code admin} user. Without security ({@link #none()}): the nodes started with
 * {@code --security none} (plain TCP, no authentication) and the client with {@code tls=off}.
 *
 * @param dir the security directory, or null without security
 */
record KhoraSecurity(Path dir) {
    /** The user the secured client authenticates as ({@code khora certs}' default user). */
    static final String USER = "admin";

    /** Plain TCP between the nodes and on the client port, no authentication. */
    static KhoraSecurity none() {
        return new KhoraSecurity(null);
    }

    /**
     * Writes a fresh security directory {@code dir} (whatever was there is deleted first) for the nodes {@code nodeIds} by running
     * {@code khora certs} ({@code io.khora.server.Khora certs}, as {@code bin/khora certs} runs it) in a child JVM on
     * {@code classpath}. Its output goes to {@code log}, deleted once the command succeeded (it shows the generated {@code admin}
     * password, which stays in the directory's {@code admin.password} only).
     *
     * @throws IOException if the command fails or takes longer than two minutes (with its output)
     */
    static KhoraSecurity secured(String classpath, Path dir, List<String> nodeIds, Path log) throws IOException, InterruptedException {
        KhoraCluster.deleteTree(dir);
        Files.createDirectories(log.getParent());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                "io.khora.server.Khora", "certs", "--dir", dir.toString(), "--nodes", String.join(",", nodeIds)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("khora certs did not finish within 120 s; its output:\n" + output(log));
        }
        if (p.exitValue() != 0) {
            throw new IOException("khora certs exited " + p.exitValue() + "; its output:\n" + output(log));
        }
        Files.delete(log);
        return new KhoraSecurity(dir);
    }

    private static String output(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Whether TLS (and authentication) is on. */
    boolean tls() {
        return dir != null;
    }

    /** The contestant this security makes: {@link ClusterFamily#KHORA_TLS} or {@link ClusterFamily#KHORA_PLAIN}. */
    String contestant() {
        return tls() ? ClusterFamily.KHORA_TLS : ClusterFamily.KHORA_PLAIN;
    }

    /** The flags {@code khora node} gets for this security. */
    List<String> nodeFlags() {
        return tls() ? List.of("--security-dir", dir.toString()) : List.of("--security", "none");
    }

    /** The {@code khora://} URI options a client connects with: the cluster CA and the user, or {@code tls=off}. */
    String uriOptions() {
        return tls() ? "tls-ca=" + dir.resolve("ca.pem") + "&user=" + USER + "&password-file=" + dir.resolve(USER + ".password")
                : "tls=off";
    }

    /** The client security of {@link #uriOptions()}, for status requests. */
    ClientSecurity clientSecurity() {
        ClientSecurity s = ClientSecurity.defaults();
        return tls() ? s.withTls(dir.resolve("ca.pem")).withCredentials(USER, dir.resolve(USER + ".password")) : s.withoutTls();
    }
}
