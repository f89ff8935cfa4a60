package io.khora.cluster.server;

import io.khora.cluster.ByteSizes;
import io.khora.cluster.Durations;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The resource limits of a node's client port, so that no peer — idle, slow or hostile — can hold the
 * node's connections, memory or time: each is a setting of the node file and a flag of the same name.
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>setting</th><th>default</th><th>what happens at the limit</th></tr>
 *   <tr><td>{@code max-connections}</td><td>10000</td><td>a further connection's first request is answered
 *       with an error naming the limit, then it is closed ({@link ConnectionLimiter})</td></tr>
 *   <tr><td>{@code max-connections-per-address}</td><td>1000</td><td>the same, for connections from one IP
 *       address</td></tr>
 *   <tr><td>{@code idle-timeout}</td><td>10m</td><td>a connection that sent and received nothing for that long,
 *       with no request waiting and no subscription open, is closed ({@link IdleTimeout}); clients reconnect
 *       on their next call</td></tr>
 *   <tr><td>{@code frame-timeout}</td><td>60s</td><td>a request frame begun must arrive whole within it (64 MiB at
 *       about 1.1 MB/s): else its request is answered with an error and the connection closed
 *       ({@link FrameDeadline})</td></tr>
 *   <tr><td>{@code write-buffer-high} / {@code write-buffer-low}</td><td>4MiB / 1MiB</td><td>while more answer
 *       bytes than the high mark wait to be sent, the node reads no further requests from the connection,
 *       until they drop below the low mark ({@link OutboundLimits})</td></tr>
 *   <tr><td>{@code max-write-buffer}</td><td>256MiB</td><td>a connection with more answer bytes waiting than
 *       that (a client that does not read its answers or events) is closed before the next answer</td></tr>
 *   <tr><td>{@code max-incomplete-frames-memory}</td><td>256MiB</td><td>the memory all connections' request
 *       frames still arriving may take together; a frame that would need more is skipped unread and answered
 *       with an error ({@link io.khora.cluster.protocol.FrameBudget}); at least {@code max-frame-size}</td></tr>
 * </table>
 *
 * Why these defaults: a client keeps one connection per node, so 1000 per address leaves room for a host
 * running hundreds of clients while no single host can take all 10000; the idle timeout frees connections
 * clients forgot without making live clients reconnect often; the frame and memory limits bound what
 * slow or hostile senders hold to what a node of a few GiB of heap can spare (default {@code max-frame-size}
 * 64 MiB: four frames arriving at once), and they time out within a minute.
 *
 * @param maxConnections connections the node keeps open at once
 * @param maxConnectionsPerAddress connections from one IP address
 * @param idleTimeout how long a connection may be idle
 * @param frameTimeout how long a request frame may take to arrive whole once begun
 * @param writeBufferLow answer bytes waiting below which reading resumes
 * @param writeBufferHigh answer bytes waiting above which reading stops
 * @param maxWriteBuffer answer bytes waiting above which the connection is closed
 * @param maxIncompleteFramesMemory bytes all connections' incomplete request frames may hold together
 */
public record ClientPortLimits(int maxConnections, int maxConnectionsPerAddress, Duration idleTimeout, Duration frameTimeout,
                               int writeBufferLow, int writeBufferHigh, int maxWriteBuffer, int maxIncompleteFramesMemory) {
    /** The settings' names, as in the node file and the flags. */
    public static final List<String> NAMES = List.of("max-connections", "max-connections-per-address", "idle-timeout", "frame-timeout",
            "write-buffer-low", "write-buffer-high", "max-write-buffer", "max-incomplete-frames-memory");

    private static final int MIB = 1024 * 1024;

    /** The defaults (see the class comment). */
    public static final ClientPortLimits DEFAULTS = new ClientPortLimits(10_000, 1_000, Duration.ofMinutes(10), Duration.ofSeconds(60),
            MIB, 4 * MIB, 256 * MIB, 256 * MIB);

    /** Checks the limits, naming the setting that is wrong and its value. */
    public ClientPortLimits {
        positive(maxConnections, "max-connections");
        positive(maxConnectionsPerAddress, "max-connections-per-address");
        positive(idleTimeout, "idle-timeout");
        positive(frameTimeout, "frame-timeout");
        positive(writeBufferLow, "write-buffer-low");
        positive(writeBufferHigh, "write-buffer-high");
        positive(maxWriteBuffer, "max-write-buffer");
        positive(maxIncompleteFramesMemory, "max-incomplete-frames-memory");
        if (maxConnectionsPerAddress > maxConnections) {
            throw new IllegalArgumentException("max-connections-per-address " + maxConnectionsPerAddress + " exceeds max-connections "
                    + maxConnections);
        }
        if (writeBufferLow > writeBufferHigh) {
            throw new IllegalArgumentException("write-buffer-low " + ByteSizes.describe(writeBufferLow) + " exceeds write-buffer-high "
                    + ByteSizes.describe(writeBufferHigh));
        }
        if (maxWriteBuffer < writeBufferHigh) {
            throw new IllegalArgumentException("max-write-buffer " + ByteSizes.describe(maxWriteBuffer) + " is below write-buffer-high "
                    + ByteSizes.describe(writeBufferHigh) + ": connections would be closed before reading stops");
        }
    }

    /**
     * These limits with the settings in {@code settings} (name to value as written in a file or flag:
     * {@code 500}, {@code 30s}, {@code 4MiB}) changed, checked together.
     *
     * @throws IllegalArgumentException naming the setting and the value if either is wrong
     */
    public ClientPortLimits with(Map<String, String> settings) {
        int connections = maxConnections;
        int perAddress = maxConnectionsPerAddress;
        Duration idle = idleTimeout;
        Duration frame = frameTimeout;
        int low = writeBufferLow;
        int high = writeBufferHigh;
        int maxWrite = maxWriteBuffer;
        int frames = maxIncompleteFramesMemory;
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String name = e.getKey();
            String v = String.valueOf(e.getValue()).trim();
            switch (name) {
                case "max-connections" -> connections = count(v, name);
                case "max-connections-per-address" -> perAddress = count(v, name);
                case "idle-timeout" -> idle = Durations.parse(v, name);
                case "frame-timeout" -> frame = Durations.parse(v, name);
                case "write-buffer-low" -> low = ByteSizes.parse(v, name);
                case "write-buffer-high" -> high = ByteSizes.parse(v, name);
                case "max-write-buffer" -> maxWrite = ByteSizes.parse(v, name);
                case "max-incomplete-frames-memory" -> frames = ByteSizes.parse(v, name);
                default -> throw new IllegalArgumentException("unknown client port limit '" + name + "' (known: " + NAMES + ")");
            }
        }
        return new ClientPortLimits(connections, perAddress, idle, frame, low, high, maxWrite, frames);
    }

    private static int count(String v, String name) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + v + "' is not a whole number");
        }
    }

    private static void positive(long n, String name) {
        if (n <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + n);
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
