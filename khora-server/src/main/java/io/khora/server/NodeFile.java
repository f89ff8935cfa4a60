package io.khora.server;

import io.khora.cluster.server.ClientPortLimits;
import io.khora.cluster.server.ClusterSpec;
import io.khora.cluster.server.NodeConfig;
import io.khora.cluster.server.security.NodeSecurity;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The node configuration: a YAML file and command-line flags with the same names (a flag wins).
 *
 * <pre>
 * cluster:
 *   nodes:                       # every node, the same list on every node
 *     - {id: n1, host: 127.0.0.1, client-port: 7701, raft-port: 7801}
 *   spaces:
 *     - {name: orders, partitions: 4, replicas: 3, min-seeders: 2}
 *     - name: payments           # with write-behind: a `khora mirror` process delivers its changes
 *       partitions: 2
 *       write-behind: {max-pending: 100000, backlog-wait: 10s}   # or: write-behind: true
 * node:                          # this node (flags: --id, --data, --fsync, …)
 *   id: n1
 *   data: data/n1
 *   fsync: false
 *   operation-timeout: 5s
 *   failure-detection-timeout: 3s
 *   heartbeat-interval: 500ms
 *   leader-balance-interval: 5s  # how often a leader hands a partition back to its preferred node; 0s turns it off
 *   max-frame-size: 64MiB        # the largest frame read or sent (answers larger than a client's are sent in parts)
 *   max-entry-size: 16MiB        # the largest entry a write may carry (its encoded values); at most the frame minus 64 KiB
 *   max-connections: 10000       # client port limits (see ClientPortLimits): connections in all,
 *   max-connections-per-address: 1000   # from one IP address,
 *   idle-timeout: 10m            # a connection idle that long (nothing waiting) is closed,
 *   frame-timeout: 60s           # a request frame begun must arrive whole within it,
 *   write-buffer-high: 4MiB      # answers waiting above it stop the reading of requests, until below
 *   write-buffer-low: 1MiB
 *   max-write-buffer: 256MiB     # answers waiting above it close the connection,
 *   max-incomplete-frames-memory: 256MiB  # memory all request frames still arriving may hold together
 *   java-serialization-allow: "com.acme.model.*;java.lang.*;java.util.*"  # opt-in: classes whose Java-serialized
 *                                # values clients and peers may send (an ObjectInputFilter pattern); unset: all refused
 *   metrics-port: 9401           # opt-in: Prometheus scrape endpoint http://host:9401/metrics (unset: none)
 *   metrics-bind: 10.0.0.5       # the address it listens on (default: this node's host in the cluster spec)
 *   metrics-jmx: true            # the meters as JMX MBeans too (domain khora); default false
 * security:                      # required (flags: --security-dir, --security-ca, …, --security none)
 *   dir: certs                   # what `khora certs` wrote: ca.pem, &lt;id&gt;.pem, &lt;id&gt;-key.pem, users.yaml
 *   # or one by one: ca, cert, key, users (each overrides the dir's); or `security: none` (plain TCP, no authentication)
 * </pre>
 *
 * Flags for the cluster, instead of a file: {@code --nodes n1@127.0.0.1:7701:7801,n2@…} and
 * {@code --space orders:4:3:2} (name:partitions:replicas:min-seeders, repeatable; append {@code :write-behind}
 * for a space with write-behind). Unknown keys
 * are errors, named with their place, so a typo is never silently ignored.
 */
final class NodeFile {
    private static final List<String> NODE_KEYS = Stream.concat(Stream.of("id", "data", "fsync", "operation-timeout",
            "failure-detection-timeout", "heartbeat-interval", "leader-balance-interval", "max-frame-size", "max-entry-size", "java-serialization-allow"),
            Stream.concat(ClientPortLimits.NAMES.stream(), MetricsSettings.NAMES.stream())).toList();
    private static final List<String> SECURITY_KEYS = List.of("dir", "ca", "cert", "key", "users");

    private NodeFile() {
    }

    /** Every flag {@code khora node} takes: the file, the cluster, the security flags and each node key. */
    static List<String> nodeFlags() {
        return Stream.of(List.of("config", "nodes", "space", "security"), SECURITY_KEYS.stream().map(k -> "security-" + k).toList(),
                NODE_KEYS).flatMap(List::stream).toList();
    }

    /** The node configuration from {@code flags} (already parsed {@code --name value} pairs; "config" names the file). */
    static NodeConfig load(Map<String, String> flags) throws IOException {
        return load(flags, io.khora.metrics.MetricsListener.NONE);
    }

    /**
     * The node's metrics settings ({@link MetricsSettings}: {@code metrics-port}, {@code metrics-bind},
     * {@code metrics-jmx}) from the file's {@code node} section and the flags (a flag wins); the
     * endpoint binds to the node's own host unless {@code metrics-bind} says otherwise.
     */
    static MetricsSettings metrics(Map<String, String> flags, String nodeHost) throws IOException {
        String file = flags.get("config");
        Map<String, Object> node = new LinkedHashMap<>(asMap(root(file).getOrDefault("node", Map.of()), where(file) + "node"));
        for (String k : MetricsSettings.NAMES) {
            if (flags.containsKey(k)) {
                node.put(k, flags.get(k));
            }
        }
        return MetricsSettings.of(node, where(file) + "node.", nodeHost);
    }

    /** Like {@link #load(Map)}, the node reporting the requests it serves to {@code metrics}. */
    static NodeConfig load(Map<String, String> flags, io.khora.metrics.MetricsListener metrics) throws IOException {
        String file = flags.get("config");
        Map<String, Object> root = root(file);
        ClusterSpec spec = spec(asMap(root.getOrDefault("cluster", Map.of()), where(file) + "cluster"), flags, file);
        Map<String, Object> node = new LinkedHashMap<>(asMap(root.getOrDefault("node", Map.of()), where(file) + "node"));
        for (String k : node.keySet()) {
            if (!NODE_KEYS.contains(k)) {
                throw new IllegalArgumentException(where(file) + "node: " + KnownFlags.unknown("", k, NODE_KEYS, null));
            }
        }
        for (String k : NODE_KEYS) {
            if (flags.containsKey(k)) {
                node.put(k, flags.get(k));
            }
        }
        Object id = node.get("id");
        if (id == null) {
            throw new IllegalArgumentException("which node is this? give --id (or node.id in the file); nodes: "
                    + spec.nodes().stream().map(ClusterSpec.NodeSpec::id).toList());
        }
        NodeConfig.Builder b = NodeConfig.builder(spec, id.toString())
                .dataDirectory(Path.of(String.valueOf(node.getOrDefault("data", "data/" + id))));
        if (node.containsKey("fsync")) {
            b.fsync(bool(node.get("fsync"), "node.fsync"));
        }
        if (node.containsKey("operation-timeout")) {
            b.operationTimeout(duration(node.get("operation-timeout"), "node.operation-timeout"));
        }
        if (node.containsKey("failure-detection-timeout") || node.containsKey("heartbeat-interval")) {
            b.failureDetection(duration(node.getOrDefault("failure-detection-timeout", "3s"), "node.failure-detection-timeout"),
                    duration(node.getOrDefault("heartbeat-interval", "500ms"), "node.heartbeat-interval"));
        }
        if (node.containsKey("leader-balance-interval")) {
            b.leaderBalanceInterval(duration(node.get("leader-balance-interval"), "node.leader-balance-interval"));
        }
        if (node.containsKey("max-frame-size")) {
            b.maxFrameSize(io.khora.cluster.ByteSizes.parse(String.valueOf(node.get("max-frame-size")), "node.max-frame-size"));
        }
        if (node.containsKey("max-entry-size")) {
            b.maxEntrySize(io.khora.cluster.ByteSizes.parse(String.valueOf(node.get("max-entry-size")), "node.max-entry-size"));
        }
        b.security(security(root.get("security"), flags, file, id.toString(), spec));
        b.clientPortLimits(clientPortLimits(node, file));
        b.metrics(metrics);
        if (node.containsKey("java-serialization-allow")) {
            try {
                b.javaSerializationAllow(String.valueOf(node.get("java-serialization-allow")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where(file) + "node." + e.getMessage(), e);
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where(file) + "node: " + e.getMessage(), e);
        }
    }

    /**
     * The {@code security} section (or {@code none}) and the {@code --security-*} flags (a flag wins);
     * neither: the node does not start, and the message says what to run.
     */
    static NodeSecurity security(Object section, Map<String, String> flags, String file, String id, ClusterSpec spec) {
        String none = flags.get("security");
        if (none != null && !none.equals("none")) {
            throw new IllegalArgumentException("--security: '" + none + "' is not a setting; use --security none, or --security-dir DIR");
        }
        boolean anyFlag = SECURITY_KEYS.stream().anyMatch(k -> flags.containsKey("security-" + k));
        if (none != null) {
            if (anyFlag) {
                throw new IllegalArgumentException("--security none contradicts the --security-* flags");
            }
            return NodeSecurity.none();
        }
        Map<String, Object> s = new LinkedHashMap<>();
        if ("none".equals(section) && !anyFlag) {
            return NodeSecurity.none();
        } else if (section != null && !"none".equals(section)) {
            s.putAll(asMap(section, where(file) + "security"));
            known(s, where(file) + "security", SECURITY_KEYS);
        }
        for (String k : SECURITY_KEYS) {
            if (flags.containsKey("security-" + k)) {
                s.put(k, flags.get("security-" + k));
            }
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("node " + id + " has no security settings, and a node does not start without. Make a CA,"
                    + " node certificates and an admin user with\n  khora certs --dir certs --nodes " + nodeIds(spec)
                    + "\nthen start the node with --security-dir certs (or `security: {dir: certs}` in the node file)."
                    + " Or, to run without TLS and authentication (anyone who can reach the node can read, write and clear),"
                    + " give --security none (or `security: none`).");
        }
        Path dir = s.containsKey("dir") ? Path.of(String.valueOf(s.get("dir"))) : null;
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(where(file) + "security: dir " + dir + " is not a directory (make it with: khora certs --dir "
                    + dir + " --nodes " + nodeIds(spec) + ")");
        }
        if (dir != null && !s.containsKey("cert") && !Files.isRegularFile(dir.resolve(id + ".pem"))) {
            throw new IllegalArgumentException(where(file) + "security: dir " + dir + " has no certificate for node " + id + " (" + id
                    + ".pem); add it with: khora certs --dir " + dir + " --nodes " + nodeIds(spec) + " (existing files are kept)");
        }
        Path[] files = new Path[4];
        String[] defaults = {"ca.pem", id + ".pem", id + "-key.pem", "users.yaml"};
        for (int i = 0; i < 4; i++) {
            String k = SECURITY_KEYS.get(i + 1);
            if (s.containsKey(k)) {
                files[i] = Path.of(String.valueOf(s.get(k)));
            } else if (dir != null) {
                files[i] = dir.resolve(defaults[i]);
            } else {
                throw new IllegalArgumentException(where(file) + "security: '" + k + "' is missing: give dir (what khora certs wrote)"
                        + " or all of ca, cert, key and users");
            }
        }
        return NodeSecurity.files(files[0], files[1], files[2], files[3]);
    }

    private static String nodeIds(ClusterSpec spec) {
        return String.join(",", spec.nodes().stream().map(ClusterSpec.NodeSpec::id).toList());
    }

    /**
     * The client flags the node file's {@code security} section implies for {@code khora status}:
     * {@code security-dir} from its {@code dir}, {@code tls off} for {@code none}; none otherwise.
     */
    static Map<String, String> clientDefaults(Map<String, String> flags) throws IOException {
        Object s = root(flags.get("config")).get("security");
        if ("none".equals(s)) {
            return Map.of("tls", "off");
        }
        if (s instanceof Map<?, ?> m && m.get("dir") != null) {
            return Map.of("security-dir", String.valueOf(m.get("dir")));
        }
        return Map.of();
    }

    /** The client port limits the node section (flags merged) sets, over the defaults; errors name the setting. */
    private static ClientPortLimits clientPortLimits(Map<String, Object> node, String file) {
        Map<String, String> set = new LinkedHashMap<>();
        for (String k : ClientPortLimits.NAMES) {
            if (node.containsKey(k)) {
                set.put(k, String.valueOf(node.get(k)));
            }
        }
        try {
            return ClientPortLimits.DEFAULTS.with(set);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where(file) + "node." + e.getMessage(), e);
        }
    }

    /** The cluster spec alone (for {@code khora status}): the file's {@code cluster} section and the flags. */
    static ClusterSpec loadSpec(Map<String, String> flags) throws IOException {
        String file = flags.get("config");
        return spec(asMap(root(file).getOrDefault("cluster", Map.of()), where(file) + "cluster"), flags, file);
    }

    /** The file's top-level mapping (empty without a file); checks its keys. */
    private static Map<String, Object> root(String file) throws IOException {
        if (file == null) {
            return Map.of();
        }
        Map<String, Object> root;
        try (Reader r = Files.newBufferedReader(Path.of(file))) {
            Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            if (parsed != null && !(parsed instanceof Map)) {
                throw new IllegalArgumentException(file + ": the top level must be a mapping with 'cluster' and 'node'");
            }
            root = parsed == null ? Map.of() : asMap(parsed, file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("config file " + file + " does not exist");
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage());
        }
        for (String k : root.keySet()) {
            if (!k.equals("cluster") && !k.equals("node") && !k.equals("security")) {
                throw new IllegalArgumentException(file + ": top level: " + KnownFlags.unknown("", k, List.of("cluster", "node", "security"), null));
            }
        }
        return root;
    }

    /** The cluster spec from the file's {@code cluster} section, or from --nodes/--space flags. */
    static ClusterSpec spec(Map<String, Object> cluster, Map<String, String> flags, String file) {
        known(cluster, where(file) + "cluster", List.of("nodes", "spaces"));
        ClusterSpec.Builder b = ClusterSpec.builder();
        if (flags.containsKey("nodes")) {
            for (String n : flags.get("nodes").split(",")) {
                String[] idRest = n.split("@");
                String[] hp = idRest.length == 2 ? idRest[1].split(":") : new String[0];
                if (hp.length != 3) {
                    throw new IllegalArgumentException("--nodes: '" + n + "' must be id@host:client-port:raft-port");
                }
                b.node(idRest[0], hp[0], integer(hp[1], "--nodes " + n), integer(hp[2], "--nodes " + n));
            }
        } else {
            List<?> nodes = list(cluster.get("nodes"), where(file) + "cluster.nodes");
            int i = 0;
            for (Object o : nodes) {
                String at = where(file) + "cluster.nodes[" + i++ + "]";
                Map<String, Object> n = asMap(o, at);
                known(n, at, List.of("id", "host", "client-port", "raft-port"));
                b.node(String.valueOf(required(n, "id", at)), String.valueOf(n.getOrDefault("host", "127.0.0.1")),
                        integer(required(n, "client-port", at), at + ".client-port"), integer(required(n, "raft-port", at), at + ".raft-port"));
            }
        }
        if (flags.containsKey("space")) {
            for (String s : flags.get("space").split(",")) {
                String[] f = s.split(":");
                if (f.length != 4 && !(f.length == 5 && f[4].equals("write-behind"))) {
                    throw new IllegalArgumentException("--space: '" + s + "' must be name:partitions:replicas:min-seeders[:write-behind]");
                }
                b.space(f[0], integer(f[1], "--space " + s), integer(f[2], "--space " + s), integer(f[3], "--space " + s),
                        f.length == 5 ? ClusterSpec.WriteBehindSpec.DEFAULTS : null);
            }
        } else {
            List<?> spaces = list(cluster.get("spaces"), where(file) + "cluster.spaces");
            int i = 0;
            for (Object o : spaces) {
                String at = where(file) + "cluster.spaces[" + i++ + "]";
                Map<String, Object> s = asMap(o, at);
                known(s, at, List.of("name", "partitions", "replicas", "min-seeders", "write-behind"));
                int replicas = integer(s.getOrDefault("replicas", 3), at + ".replicas");
                b.space(String.valueOf(required(s, "name", at)), integer(s.getOrDefault("partitions", 1), at + ".partitions"), replicas,
                        integer(s.getOrDefault("min-seeders", replicas / 2 + 1), at + ".min-seeders"),
                        writeBehind(s.get("write-behind"), at + ".write-behind"));
            }
        }
        return b.build();
    }

    /** {@code write-behind: true}, or a map with {@code max-pending} and {@code backlog-wait}; null if absent or false. */
    private static ClusterSpec.WriteBehindSpec writeBehind(Object o, String at) {
        if (o == null || Boolean.FALSE.equals(o)) {
            return null;
        }
        if (Boolean.TRUE.equals(o)) {
            return ClusterSpec.WriteBehindSpec.DEFAULTS;
        }
        Map<String, Object> m = asMap(o, at);
        known(m, at, List.of("max-pending", "backlog-wait"));
        ClusterSpec.WriteBehindSpec d = ClusterSpec.WriteBehindSpec.DEFAULTS;
        try {
            return new ClusterSpec.WriteBehindSpec(integer(m.getOrDefault("max-pending", d.maxPending()), at + ".max-pending"),
                    m.containsKey("backlog-wait") ? duration(m.get("backlog-wait"), at + ".backlog-wait") : d.backlogWait());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
        }
    }

    private static String where(String file) {
        return file == null ? "" : file + ": ";
    }

    private static void known(Map<String, Object> m, String at, List<String> keys) {
        for (String k : m.keySet()) {
            if (!keys.contains(k)) {
                throw new IllegalArgumentException(at + ": " + KnownFlags.unknown("", k, keys, null));
            }
        }
    }

    private static Object required(Map<String, Object> m, String key, String at) {
        Object v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException(at + ": '" + key + "' is required");
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o, String at) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(at + ": expected a mapping, got " + o);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<Object, Object>) o).forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static List<?> list(Object o, String at) {
        if (!(o instanceof List<?> l) || l.isEmpty()) {
            throw new IllegalArgumentException(at + ": expected a non-empty list");
        }
        return l;
    }

    private static int integer(Object o, String at) {
        try {
            return o instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(o).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(at + ": '" + o + "' is not a whole number");
        }
    }

    private static boolean bool(Object o, String at) {
        String s = String.valueOf(o).trim();
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException(at + ": '" + o + "' must be true or false");
    }

    static Duration duration(Object o, String at) {
        return io.khora.cluster.Durations.parse(String.valueOf(o), at);
    }
}
