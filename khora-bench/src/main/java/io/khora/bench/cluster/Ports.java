package io.khora.bench.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free port blocks on loopback for the clusters' nodes: below the ephemeral range (32768+, where
 * an outgoing connection could take a port between this check and the node's bind) and apart from
 * the ranges the test suites use (4000–9500 for the multi-process tests, 10000+ and 20000+ in-JVM).
 */
final class Ports {
    private static final int FROM = 12_000;
    private static final int SPAN = 6_000;

    private Ports() {
    }

    /** The first port of {@code size} consecutive free ports. */
    static synchronized int freeBlock(int size) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int base = FROM + ThreadLocalRandom.current().nextInt(SPAN - size);
            boolean free = true;
            for (int p = base; p < base + size && free; p++) {
                free = isFree(p);
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no block of " + size + " free ports on loopback in " + FROM + "–" + (FROM + SPAN));
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
