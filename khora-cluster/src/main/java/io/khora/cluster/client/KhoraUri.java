package io.khora.cluster.client;

import java.net.InetSocketAddress;
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

    /** Parses {@code uri}. */
    public static KhoraUri parse(String uri) {
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
                            + "' (known: timeout, attempt-timeout, connect-timeout, replication, reads, max-frame-size, max-entry-size)");
                };
            }
        }
        try {
            o = o.withSizeLimits(new io.khora.cluster.protocol.SizeLimits(maxFrame, maxEntry));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + uri + "': " + e.getMessage(), e);
        }
        return new KhoraUri(seeds, path, o);
    }

    private static Duration duration(String uri, String name, String v) {
        return io.khora.cluster.Durations.parse(v, "'" + uri + "': option " + name);
    }
}
