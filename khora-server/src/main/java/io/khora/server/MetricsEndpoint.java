package io.khora.server;

import io.khora.internal.lifecycle.DaemonThreads;
import io.khora.micrometer.KhoraMeterBinder;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A node's or a mirror's meters, exposed: a Prometheus scrape endpoint ({@code GET /metrics} on a
 * small JDK HTTP server, one thread) and, if asked, JMX MBeans in the {@code khora} domain. Besides
 * Khora's own meters ({@link KhoraMeterBinder}) it carries the JVM's: memory, GC, threads, class
 * loading, CPU, uptime.
 */
final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    /** The Prometheus text format's content type. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final PrometheusMeterRegistry prometheus;
    private final JmxMeterRegistry jmx;
    private final HttpServer http;
    private final ExecutorService executor;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    private MetricsEndpoint(MetricsSettings settings, KhoraMeterBinder khora, String process) throws IOException {
        this.prometheus = settings.port() > 0 ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
        this.jmx = settings.jmx() ? new JmxMeterRegistry(new JmxConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String domain() {
                return "khora";
            }
        }, Clock.SYSTEM) : null;
        if (prometheus != null) {
            registry.add(prometheus);
        }
        if (jmx != null) {
            registry.add(jmx);
        }
        khora.bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        if (prometheus == null) {
            this.http = null;
            this.executor = null;
            return;
        }
        InetSocketAddress address = new InetSocketAddress(settings.bind(), settings.port());
        try {
            this.http = HttpServer.create(address, 16);
        } catch (IOException e) {
            close();
            throw new IOException("cannot open the metrics endpoint on " + settings.bind() + ":" + settings.port() + " (metrics-port, "
                    + "metrics-bind): " + e.getMessage(), e);
        }
        this.executor = Executors.newSingleThreadExecutor(DaemonThreads.named("khora-metrics-http"));
        http.setExecutor(executor);
        http.createContext("/metrics", this::scrape);
        http.start();
        LOG.info("{}: metrics on http://{}:{}/metrics{}", process, settings.bind(), http.getAddress().getPort(),
                jmx == null ? "" : ", JMX domain khora");
    }

    /**
     * Exposes {@code khora}'s meters as {@code settings} say; null if they say nothing is exposed.
     *
     * @param process what is measured, for the log (the node id, or {@code mirror})
     * @throws IOException naming the address if the port cannot be opened
     */
    static MetricsEndpoint start(MetricsSettings settings, KhoraMeterBinder khora, String process) throws IOException {
        return settings.enabled() ? new MetricsEndpoint(settings, khora, process) : null;
    }

    /** The port the endpoint listens on (0: no HTTP endpoint). */
    int port() {
        return http == null ? 0 : http.getAddress().getPort();
    }

    private void scrape(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("metrics: a scrape failed", e);
            throw new UncheckedIOException(new IOException("scrape failed: " + e.getMessage(), e));
        }
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        gc.close();
        if (jmx != null) {
            jmx.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
    }
}
