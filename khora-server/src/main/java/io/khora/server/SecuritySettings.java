package io.khora.server;

import io.khora.cluster.server.ClusterSpec;
import io.khora.cluster.server.NodeConfig;
import io.khora.cluster.server.security.SecurityDirectory;
import io.khora.cluster.server.security.TlsFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's {@code security} settings, from the node file's {@code security:} section and the flags
 * of the same names ({@code --security-dir}, {@code --security-ca}, {@code --security-cert},
 * {@code --security-key}, {@code --security none}; a flag wins):
 *
 * <pre>
 * security: {dir: certs}                                  # what khora certs wrote: ca.pem, &lt;id&gt;.pem, &lt;id&gt;-key.pem
 * security: {ca: ca.pem, cert: n1.pem, key: n1-key.pem}   # or the files one by one (they also override dir's)
 * security: none                                          # plain TCP, no authentication (a WARN at start)
 * </pre>
 *
 * Secure by default: with none of these a node refuses to start, saying what to run. (This class
 * maps what the node-to-node TLS needs; the client side's settings, such as {@code users}, are added
 * by the client security.)
 */
final class SecuritySettings {
    private static final Logger LOG = LoggerFactory.getLogger(SecuritySettings.class);
    static final List<String> KEYS = List.of("dir", "ca", "cert", "key");

    private SecuritySettings() {
    }

    /**
     * Sets {@code b}'s TLS from {@code section} (the file's {@code security} value: null, "none" or a
     * mapping; {@code where} names it in errors) and the flags.
     */
    static void apply(Object section, Map<String, String> flags, String where, ClusterSpec spec, String nodeId, NodeConfig.Builder b) {
        boolean none = false;
        Map<String, String> files = new LinkedHashMap<>();
        if (section != null) {
            if ("none".equals(String.valueOf(section).trim())) {
                none = true;
            } else if (section instanceof Map<?, ?> m) {
                m.forEach((k, v) -> {
                    if (!KEYS.contains(String.valueOf(k))) {
                        throw new IllegalArgumentException(where + "security: unknown key '" + k + "' (known: " + KEYS + ", or security: none)");
                    }
                    files.put(String.valueOf(k), String.valueOf(v));
                });
            } else {
                throw new IllegalArgumentException(where + "security: expected none or a mapping with " + KEYS + ", got " + section);
            }
        }
        if (flags.containsKey("security")) {
            if (!flags.get("security").trim().equals("none")) {
                throw new IllegalArgumentException("--security: '" + flags.get("security") + "' — the only value is none; for security give "
                        + "--security-dir DIR (what khora certs wrote)");
            }
            none = true;
            files.clear();
        }
        for (String k : KEYS) {
            if (flags.containsKey("security-" + k)) {
                if (flags.containsKey("security")) {
                    throw new IllegalArgumentException("--security none and --security-" + k + " contradict each other");
                }
                none = false;
                files.put(k, flags.get("security-" + k));
            }
        }
        if (none && !files.isEmpty()) {
            throw new IllegalArgumentException(where + "security: none and security files " + files.keySet() + " contradict each other");
        }
        if (none) {
            LOG.warn("node {}: security: none — plain TCP between nodes and to clients, no authentication: anyone who can reach this node's "
                    + "ports can join its groups and read, write and clear every space", nodeId);
            b.tls(null);
            return;
        }
        if (files.isEmpty()) {
            String ids = String.join(",", spec.nodes().stream().map(ClusterSpec.NodeSpec::id).toList());
            throw new IllegalArgumentException("no security settings: a node does not start without them. Make the cluster's certificates with "
                    + "'khora certs --dir certs --nodes " + ids + "' and start each node with '--security-dir certs' (or security: {dir: certs} "
                    + "in the node file); or run without security — plain TCP, no authentication, anyone who can reach the ports can read, "
                    + "write and clear every space — with '--security none'");
        }
        b.tls(files(files, where, nodeId));
    }

    private static TlsFiles files(Map<String, String> given, String where, String nodeId) {
        Path ca;
        Path cert;
        Path key;
        if (given.containsKey("dir")) {
            Path dir = Path.of(given.get("dir"));
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(where + "security.dir: " + dir + " is not a directory (make it with khora certs --dir " + dir
                        + " --nodes …)");
            }
            TlsFiles in = TlsFiles.inDirectory(dir, nodeId);
            ca = in.ca();
            cert = in.certificate();
            key = in.key();
            if (!given.containsKey("cert") && !Files.exists(cert)) {
                throw new IllegalArgumentException(where + "security.dir: " + dir + " has no certificate for node " + nodeId + " ("
                        + SecurityDirectory.certificate(dir, nodeId).getFileName() + "): add one with khora certs --dir " + dir
                        + " --nodes <every node id, " + nodeId + " among them> (existing files are kept)");
            }
        } else {
            for (String k : List.of("ca", "cert", "key")) {
                if (!given.containsKey(k)) {
                    throw new IllegalArgumentException(where + "security: '" + k + "' is missing: give dir, or all of ca, cert and key");
                }
            }
            ca = null;
            cert = null;
            key = null;
        }
        return new TlsFiles(given.containsKey("ca") ? Path.of(given.get("ca")) : ca, given.containsKey("cert") ? Path.of(given.get("cert")) : cert,
                given.containsKey("key") ? Path.of(given.get("key")) : key);
    }
}
