package io.khora.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * Whether and where a node or a mirror exposes its metrics: {@code metrics-port} (the Prometheus
 * scrape endpoint {@code http://bind:port/metrics}; unset: none), {@code metrics-bind} (the address
 * it listens on; a node's default is its own host from the cluster spec, a mirror's 127.0.0.1) and
 * {@code metrics-jmx} ({@code true}: the meters as MBeans in the {@code khora} domain too). All off
 * by default: nothing is measured and no port opens unless asked. The endpoint has no
 * authentication: bind it to an address only the monitoring network reaches.
 *
 * @param port the scrape port, or 0 for none
 * @param bind the address to listen on
 * @param jmx whether the meters are MBeans too
 */
record MetricsSettings(int port, String bind, boolean jmx) {
    /** The node file's and the flags' names. */
    static final List<String> NAMES = List.of("metrics-port", "metrics-bind", "metrics-jmx");

    /** No endpoint and no MBeans. */
    static final MetricsSettings OFF = new MetricsSettings(0, "127.0.0.1", false);

    /** Whether anything is measured at all. */
    boolean enabled() {
        return port > 0 || jmx;
    }

    /**
     * The settings among {@code values} (flags or the node file's {@code node} section; {@code where}
     * prefixes the names in errors), binding to {@code defaultBind} unless {@code metrics-bind} is given.
     */
    static MetricsSettings of(Map<String, ?> values, String where, String defaultBind) {
        int port = 0;
        Object p = values.get("metrics-port");
        if (p != null) {
            try {
                port = Integer.parseInt(String.valueOf(p).trim());
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(where + "metrics-port: '" + p + "' must be a TCP port, 1 to 65535");
            }
        }
        String bind = values.containsKey("metrics-bind") ? String.valueOf(values.get("metrics-bind")).trim() : defaultBind;
        try {
            if (port > 0) {
                InetAddress.getByName(bind);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(where + "metrics-bind: '" + bind + "' is not an address of this machine (" + e.getMessage() + ")");
        }
        boolean jmx = false;
        Object j = values.get("metrics-jmx");
        if (j != null) {
            String v = String.valueOf(j).trim();
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException(where + "metrics-jmx: '" + j + "' must be true or false");
            }
            jmx = Boolean.parseBoolean(v);
        }
        return new MetricsSettings(port, bind, jmx);
    }
}
