package io.khora.server;

import io.khora.cluster.client.StatusClient;
import io.khora.cluster.server.ClusterSpec;
import io.khora.cluster.server.KhoraNode;
import io.khora.cluster.server.NodeConfig;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code khora} command line.
 *
 * <pre>
 * khora node   --config node.yaml [--id n1] [--data dir] …   start a server node (until SIGTERM / Ctrl-C)
 * khora status --config node.yaml | --nodes host:port,…       print nodes, partitions, leaders, lag, entries, state, problems
 * khora mirror --connect khora://…/space --jdbc-url … --entities …   deliver a write-behind space's changes (see MirrorCommand)
 * khora certs  --dir certs --nodes n1,n2,n3 …                   the cluster CA, node certificates and users (see CertsCommand)
 * khora deadletters list|discard|replay --data DIR …           a mirror's dead letters (see DeadLettersCommand)
 * </pre>
 */
public final class Khora {
    private Khora() {
    }

    /**
     * Runs a command; exits with 0 on success, 2 on a usage or configuration error, 1 otherwise
     * ({@code status}: 0 healthy, 1 some partition has no leader or no node answers, 3 serving but
     * degraded — a node down or a partition under-replicated).
     */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0 || args.length == 0 || !(args[0].equals("node") || args[0].equals("mirror"))) {
            System.exit(code);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> all = java.util.Arrays.asList(args);
        if (all.contains("--version")) {
            out.println("khora " + version());
            return 0;
        }
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            String command = args.length > 1 ? args[1] : null;
            out.println(command != null && USAGE.containsKey(command) ? usage(command) : usage());
            return args.length == 0 ? 2 : 0;
        }
        if (USAGE.containsKey(args[0]) && (all.contains("--help") || all.contains("-h"))) {
            out.println(usage(args[0]));
            return 0;
        }
        try {
            if (args[0].equals("deadletters")) {
                return DeadLettersCommand.run(args, out, err);
            }
            Map<String, String> flags = flags(args);
            return switch (args[0]) {
                case "node" -> node(flags, out);
                case "status" -> status(flags, out);
                case "mirror" -> MirrorCommand.run(flags, out);
                case "certs" -> CertsCommand.run(flags, out, java.time.Clock.systemUTC());
                default -> {
                    err.println("unknown command '" + args[0] + "'\n" + usage());
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            err.println("khora " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("khora " + args[0] + ": " + e);
            return 1;
        }
    }

    private static int node(Map<String, String> flags, PrintStream out) throws Exception {
        KnownFlags.require(flags, NodeFile.nodeFlags(), "node");
        io.khora.micrometer.KhoraMeterBinder meters = new io.khora.micrometer.KhoraMeterBinder();
        NodeConfig cfg = NodeFile.load(flags);
        MetricsSettings metrics = NodeFile.metrics(flags, cfg.self().host());
        if (metrics.enabled()) {
            cfg = NodeFile.load(flags, meters);
        }
        KhoraNode node = KhoraNode.start(cfg);
        MetricsEndpoint endpoint;
        try {
            endpoint = MetricsEndpoint.start(metrics, meters.add(node.meters()), cfg.nodeId());
        } catch (java.io.IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            if (endpoint != null) {
                endpoint.close();
            }
            stopped.countDown();
        }, "khora-shutdown"));
        ClusterSpec.NodeSpec self = cfg.self();
        out.println("khora node " + cfg.nodeId() + " serving clients on " + self.host() + ":" + self.clientPort() + ", data in "
                + cfg.dataDirectory());
        stopped.await();
        return 0;
    }

    /** Every flag {@code khora status} takes. */
    static final List<String> STATUS_FLAGS = java.util.stream.Stream.concat(java.util.stream.Stream.of("config", "nodes", "timeout",
            "max-lag"), ClientFlags.NAMES.stream()).toList();

    private static int status(Map<String, String> flags, PrintStream out) throws Exception {
        KnownFlags.require(flags, STATUS_FLAGS, "status");
        List<InetSocketAddress> nodes = new ArrayList<>();
        if (flags.containsKey("nodes") && !flags.get("nodes").contains("@")) {
            for (String hp : flags.get("nodes").split(",")) {
                int colon = hp.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("--nodes: '" + hp + "' must be host:port (a node's client port)");
                }
                nodes.add(new InetSocketAddress(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1))));
            }
        } else {
            if (!flags.containsKey("config")) {
                throw new IllegalArgumentException("give --config node.yaml or --nodes host:port,host:port (client ports)");
            }
            ClusterSpec spec = NodeFile.loadSpec(flags);
            for (ClusterSpec.NodeSpec n : spec.nodes()) {
                nodes.add(new InetSocketAddress(n.host(), n.clientPort()));
            }
        }
        Duration timeout = NodeFile.duration(flags.getOrDefault("timeout", "2s"), "--timeout");
        long maxLag = maxLag(flags.get("max-lag"));
        io.khora.cluster.client.ClientSecurity security = statusSecurity(flags);
        List<StatusClient.Answer> answers = new ArrayList<>(StatusClient.ask(nodes, timeout, security));
        List<InetSocketAddress> more = StatusReport.unasked(answers); // the nodes the answering ones know of
        if (!more.isEmpty()) {
            answers.addAll(StatusClient.ask(more, timeout, security));
        }
        StatusReport.Report report = StatusReport.of(answers, maxLag);
        out.print(report.text());
        return report.exitCode();
    }

    /**
     * How {@code khora status} connects: its client flags ({@link ClientFlags}; by default as {@code admin},
     * who sees the details), else the node file's {@code security} section (its {@code dir}, or
     * {@code none}: plain TCP).
     */
    private static io.khora.cluster.client.ClientSecurity statusSecurity(Map<String, String> flags) throws java.io.IOException {
        Map<String, String> f = new LinkedHashMap<>(flags);
        if (ClientFlags.NAMES.stream().noneMatch(f::containsKey) && f.containsKey("config")) {
            f.putAll(NodeFile.clientDefaults(f));
        }
        io.khora.cluster.client.ClientSecurity s = ClientFlags.security(f, "admin", System.getenv());
        if (s == null) {
            throw new IllegalArgumentException("how to reach the nodes? give --security-dir DIR (what khora certs wrote; connects as admin),"
                    + " or --tls-ca PEM with --user U --password-file F, or --tls off for nodes started with --security none");
        }
        return s;
    }

    private static long maxLag(String value) {
        if (value == null) {
            return StatusReport.DEFAULT_MAX_LAG;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--max-lag: '" + value + "' must be a number of log entries, 0 or more");
    }

    /** {@code --name value} pairs after the command. */
    static Map<String, String> flags(String[] args) {
        return flags(args, 1);
    }

    /** {@code --name value} pairs from {@code args[from]} on (after a command and its subcommand, say). */
    static Map<String, String> flags(String[] args, int from) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got '" + a + "'");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                value = "true";
            }
            if (name.equals("space") && flags.containsKey("space")) {
                value = flags.get("space") + "," + value;
            }
            flags.put(name, value);
        }
        return flags;
    }

    /** Each command's usage, in the order {@code khora --help} lists them. */
    static final Map<String, String> USAGE = usages();

    private static Map<String, String> usages() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("certs", """
                  khora certs  --dir certs --nodes n1,n2,n3 [--hosts 127.0.0.1,localhost] [--users admin] [--client-certs mirror]
                               [--days 825]        (khora certs --help says more)
                """);
        m.put("node", """
                  khora node   --config node.yaml [--id n1] [--data DIR] [--fsync true|false] [--operation-timeout 5s]
                               [--failure-detection-timeout 3s] [--heartbeat-interval 500ms] [--leader-balance-interval 5s|0s]
                               [--max-frame-size 64MiB] [--max-entry-size 16MiB]
                               --security-dir DIR | --security-ca PEM --security-cert PEM --security-key PEM --security-users YAML
                               | --security none      (required: a node does not start without security settings)
                               [--max-connections 10000] [--max-connections-per-address 1000] [--idle-timeout 10m]
                               [--frame-timeout 60s] [--write-buffer-high 4MiB] [--write-buffer-low 1MiB]
                               [--max-write-buffer 256MiB] [--max-incomplete-frames-memory 256MiB]
                               [--java-serialization-allow 'com.acme.model.*;java.lang.*']   (default: refused)
                               [--metrics-port 9401 [--metrics-bind HOST] [--metrics-jmx true]]  (Prometheus /metrics; default off)
                  khora node   --id n1 --nodes n1@127.0.0.1:7701:7801,n2@127.0.0.1:7702:7901,… --space orders:4:3:2 [--data DIR]
                               --security-dir certs
                """);
        m.put("status", """
                  khora status --config node.yaml | --nodes 127.0.0.1:7701,127.0.0.1:7702 [--timeout 2s] [--max-lag 1000]
                               [--security-dir DIR | --tls-ca PEM [--user U --password-file F | --tls-cert PEM --tls-key PEM] | --tls off]
                               exit 0 healthy, 1 a partition has no leader (or no node answers), 3 a node down or a replica
                               missing or lagging
                """);
        m.put("mirror", """
                  khora mirror --connect khora://127.0.0.1:7701,127.0.0.1:7702/orders [--data DIR]
                               --jdbc-url URL [--jdbc-user U] [--jdbc-password-file FILE] --entities com.acme.Order,… [--schema none|update]
                               (the password: from --jdbc-password-file, else the environment variable KHORA_JDBC_PASSWORD)
                               [--security-dir DIR | --tls-ca PEM [--tls-cert PEM --tls-key PEM | --user U --password-file F] | --tls off]
                               | --cassandra 127.0.0.1:9042[,host:port…] --cassandra-keyspace KS --entities com.acme.Order,…
                                 [--cassandra-datacenter datacenter1] [--cassandra-user U --cassandra-password-file FILE]
                                 [--cassandra-tables Order=orders,…] [--schema none|create]
                                 (a class's table: from --cassandra-tables, else its simple name in lower case; the password:
                                 from --cassandra-password-file, else the environment variable KHORA_CASSANDRA_PASSWORD)
                               | --endpoint-class com.acme.MyEndpoint
                               [--batch-size 500] [--batch-interval 50ms] [--connect-timeout 60s] [--progress-interval 10s]

                               [--lease-duration 10s] [--lease-wait 0s]
                               [--metrics-port 9402 [--metrics-bind 127.0.0.1] [--metrics-jmx true]]  (Prometheus /metrics; default off)
                """);
        m.put("deadletters", """
                  khora deadletters list    --data DIR [--space S] [--json]
                               each change the endpoint refused: space, partition, sequence, operation, type, id, when, error
                               (reads a copy: works while the mirror runs)
                  khora deadletters discard --data DIR [--space S] --sequence N[,P:N…] | --all
                               removes them for good (P:N = partition P's sequence N, as listed)
                  khora deadletters replay  --data DIR [--space S] [--sequence N[,P:N…] | --all (default)]
                               --jdbc-url URL [--jdbc-user U] [--jdbc-password-file FILE] --entities com.acme.Order,…
                               | --endpoint-class com.acme.MyEndpoint          (the mirror's endpoint flags)
                               hands each to the endpoint again, with the data it had when refused; removes those it
                               accepts, keeps and reports the others (exit 1 if any)
                               discard and replay are refused while a mirror holds the directory (stop it first)
                """);
        return m;
    }

    /** Every command's usage. */
    static String usage() {
        return "usage:\n" + String.join("", USAGE.values())
                + "  every command: --help (its usage), --version (khora's version)\n";
    }

    /** One command's usage ({@code khora certs --help} says more than the overview). */
    static String usage(String command) {
        return command.equals("certs") ? CertsCommand.usage() : "usage:\n" + USAGE.get(command);
    }

    /** Khora's version (from the build). */
    static String version() {
        try (java.io.InputStream in = Khora.class.getResourceAsStream("version.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
