package io.khora.cluster.client;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code khora://host:port[,host:port…]/space[?option=value&…]} URI: the seed nodes, the
 * space and the {@link ClientOptions}. Errors name the part that is wrong.
 *
 * @param seeds the nodes to start from (at least one)
 * @param space the space's name
 * @param options the client options
 */
public record KhoraUri(List<InetSocketAddress> seeds, String space, ClientOptions options) {
    /** The URI scheme. */
    public static final String SCHEME = "khora://";

    /** Checks the components. */
    public KhoraUri {
        seeds = List.copyOf(seeds);
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(options, "options");
    }

    /** The environment variable a password may come from (with {@code user=…} and no {@code password-file}). */
    public static final String PASSWORD_VARIABLE = "KHORA_PASSWORD";

    /**
     * Parses {@code uri}. Security options: {@code tls-ca=<pem>} (the cluster CA to trust; without it a
     * client refuses to connect unless {@code tls=off}), {@code tls-cert=<pem>&tls-key=<pem>} (a client
     * certificate), {@code user=<name>} with {@code password-file=<path>} or the environment variable
     * {@value #PASSWORD_VARIABLE} — never a password in the URI. Files are read here: a missing one is
     * an error naming it.
     */
    public static KhoraUri parse(String uri) {
        return parse(uri, System::getenv);
    }

    /** As {@link #parse(String)}, with the environment {@code env}. */
    static KhoraUri parse(String uri, java.util.function.UnaryOperator<String> env) {
        Objects.requireNonNull(uri, "uri");
        if (!uri.startsWith(SCHEME)) {
            throw new IllegalArgumentException("'" + uri + "' is not a khora URI: it must start with " + SCHEME);
        }
        String rest = uri.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + uri + "' names no space: expected " + SCHEME + "host:port/space");
        }
        String hosts = rest.substring(0, slash);
        String path = rest.substring(slash + 1);
        String query = "";
        int q = path.indexOf('?');
        if (q >= 0) {
            query = path.substring(q + 1);
            path = path.substring(0, q);
        }
        if (path.isEmpty() || path.contains("/")) {
            throw new IllegalArgumentException("'" + uri + "': the path must be exactly the space's name, got '" + path + "'");
        }
        List<InetSocketAddress> seeds = new ArrayList<>();
        for (String hp : hosts.split(",")) {
            int colon = hp.lastIndexOf(':');
            if (hp.isBlank() || colon <= 0 || colon == hp.length() - 1) {
                throw new IllegalArgumentException("'" + uri + "': node '" + hp + "' must be host:port");
            }
            int port;
            try {
                port = Integer.parseInt(hp.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + uri + "': port of node '" + hp + "' is not a number");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("'" + uri + "': port of node '" + hp + "' must be 1..65535");
            }
            seeds.add(InetSocketAddress.createUnresolved(hp.substring(0, colon), port));
        }
        ClientOptions o = ClientOptions.defaults();
        int maxFrame = o.sizeLimits().maxFrameBytes();
        int maxEntry = o.sizeLimits().maxEntryBytes();
        java.util.Map<String, String> security = new java.util.LinkedHashMap<>();
        java.util.Map<String, String> near = new java.util.LinkedHashMap<>();
        if (!query.isEmpty()) {
            for (String kv : query.split("&")) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("'" + uri + "': option '" + kv + "' must be name=value");
                }
                String k = kv.substring(0, eq);
                String v = kv.substring(eq + 1);
                if (k.equals("max-frame-size")) {
                    maxFrame = io.khora.cluster.ByteSizes.parse(v, "'" + uri + "': option " + k);
                    continue;
                }
                if (k.equals("max-entry-size")) {
                    maxEntry = io.khora.cluster.ByteSizes.parse(v, "'" + uri + "': option " + k);
                    continue;
                }
                if (SECURITY_OPTIONS.contains(k)) {
                    security.put(k, v);
                    continue;
                }
                if (NEAR_CACHE_OPTIONS.contains(k)) {
                    near.put(k, v);
                    continue;
                }
                if (k.equals("password")) {
                    throw new IllegalArgumentException("'" + uri.substring(0, uri.indexOf('?')) + "…': a password never goes in a URI;"
                            + " use password-file=<path> or the environment variable " + PASSWORD_VARIABLE);
                }
                o = switch (k) {
                    case "timeout" -> o.withOperationTimeout(duration(uri, k, v));
                    case "attempt-timeout" -> o.withAttemptTimeout(duration(uri, k, v));
                    case "connect-timeout" -> o.withConnectTimeout(duration(uri, k, v));
                    case "replication" -> switch (v) {
                        case "majority" -> o.withAllReplicas(false);
                        case "all" -> o.withAllReplicas(true);
                        default -> throw new IllegalArgumentException("'" + uri + "': replication must be 'majority' or 'all', got '" + v
                                + "' (a fraction below a majority is not offered: it acknowledges writes a failure can lose)");
                    };
                    case "reads" -> switch (v) {
                        case "linearizable" -> o.withReads(ReadConsistency.LINEARIZABLE);
                        case "leader-local" -> o.withReads(ReadConsistency.LEADER_LOCAL);
                        default -> throw new IllegalArgumentException("'" + uri + "': reads must be 'linearizable' or 'leader-local', got '"
                                + v + "'");
                    };
                    default -> throw new IllegalArgumentException("'" + uri + "': unknown option '" + k
                            + "' (known: timeout, attempt-timeout, connect-timeout, replication, reads, max-frame-size, max-entry-size, "
                            + String.join(", ", NEAR_CACHE_OPTIONS) + ", " + String.join(", ", SECURITY_OPTIONS) + ")");
                };
            }
        }
        try {
            o = o.withSizeLimits(new io.khora.cluster.protocol.SizeLimits(maxFrame, maxEntry));
            o = o.withSecurity(security(security, env));
            o = o.withNearCache(nearCache(near, uri));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + uri + "': " + e.getMessage(), e);
        }
        return new KhoraUri(seeds, path, o);
    }

    private static final List<String> NEAR_CACHE_OPTIONS = List.of("near-cache", "near-cache-size", "near-cache-ttl");

    /** The near-cache options, checked: a size or time-to-live needs {@code near-cache=true}. */
    private static NearCacheOptions nearCache(java.util.Map<String, String> o, String uri) {
        String on = o.getOrDefault("near-cache", "false");
        if (!on.equals("true") && !on.equals("false")) {
            throw new IllegalArgumentException("near-cache must be 'true' or 'false', got '" + on + "'");
        }
        if (on.equals("false")) {
            if (o.containsKey("near-cache-size") || o.containsKey("near-cache-ttl")) {
                throw new IllegalArgumentException("near-cache-size and near-cache-ttl need near-cache=true");
            }
            return NearCacheOptions.off();
        }
        long size = NearCacheOptions.DEFAULT_MAX_ENTRIES;
        if (o.containsKey("near-cache-size")) {
            try {
                size = Long.parseLong(o.get("near-cache-size"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("near-cache-size must be a number of entries, got '" + o.get("near-cache-size") + "'");
            }
        }
        NearCacheOptions n = NearCacheOptions.of(size);
        return o.containsKey("near-cache-ttl") ? n.withTimeToLive(duration(uri, "near-cache-ttl", o.get("near-cache-ttl"))) : n;
    }

    private static final List<String> SECURITY_OPTIONS = List.of("tls", "tls-ca", "tls-cert", "tls-key", "user", "password-file");

    /** The security options, checked: files exist, a user has a password (file or environment), nothing contradicts. */
    private static ClientSecurity security(java.util.Map<String, String> o, java.util.function.UnaryOperator<String> env) {
        ClientSecurity s = ClientSecurity.defaults();
        String tls = o.getOrDefault("tls", "on");
        if (!tls.equals("on") && !tls.equals("off")) {
            throw new IllegalArgumentException("tls must be 'on' or 'off', got '" + tls + "'");
        }
        if (o.containsKey("tls-cert") != o.containsKey("tls-key")) {
            throw new IllegalArgumentException("a client certificate needs both tls-cert=<pem> and tls-key=<pem>");
        }
        if (tls.equals("off")) {
            if (o.containsKey("tls-ca") || o.containsKey("tls-cert")) {
                throw new IllegalArgumentException("tls=off contradicts tls-ca/tls-cert/tls-key");
            }
            s = s.withoutTls();
        } else if (o.containsKey("tls-ca")) {
            Path ca = file(o.get("tls-ca"), "tls-ca");
            s = o.containsKey("tls-cert") ? s.withTls(ca, file(o.get("tls-cert"), "tls-cert"), file(o.get("tls-key"), "tls-key")) : s.withTls(ca);
        } else if (o.containsKey("tls-cert")) {
            throw new IllegalArgumentException("a client certificate (tls-cert) needs tls-ca=<pem>, the cluster CA to trust");
        }
        String user = o.get("user");
        if (o.containsKey("password-file") && user == null) {
            throw new IllegalArgumentException("password-file needs user=<name>");
        }
        if (user != null) {
            if (o.containsKey("password-file")) {
                s = s.withCredentials(user, file(o.get("password-file"), "password-file"));
            } else {
                String p = env.apply(PASSWORD_VARIABLE);
                if (p == null || p.isEmpty()) {
                    throw new IllegalArgumentException("user=" + user + " needs a password: password-file=<path>, or the environment variable "
                            + PASSWORD_VARIABLE + " (never in the URI)");
                }
                s = s.withCredentials(user, p.toCharArray());
            }
        }
        return s;
    }

    private static Path file(String path, String option) {
        Path p = Path.of(path);
        if (!java.nio.file.Files.isRegularFile(p)) {
            throw new IllegalArgumentException(option + ": file " + p + " does not exist");
        }
        return p;
    }

    private static Duration duration(String uri, String name, String v) {
        return io.khora.cluster.Durations.parse(v, "'" + uri + "': option " + name);
    }
}
